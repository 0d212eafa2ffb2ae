"""How late each source's deliveries are, against its cadence in sources.yml (`cadence`,
`overdue_after_days`): the newest file in its landing folder and when it arrived. One
reading for three readers: the landing folder's freshness check in Dagster (a warning on
the asset), the refresh's summary (`bkwh run`), and the sensor overdue_deliveries, which
alerts once per late delivery. A refresh runs only when something new has arrived, so a
source that stops delivering is told by the sensor, not by a refresh.

The generated sample (the files its marker, SAMPLE_DATA.json, lists) is not judged: its files
are as old as the day it was generated, and a bundled sample a week old is no late delivery.
File names are shown with person ids hidden (pipeline.privacy): a delivery named for a
person would otherwise reach a mail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from pipeline.config import SAMPLE_MARKER, Settings, sources_config
from pipeline.ingest.discover import landing_files
from pipeline.privacy import hide_person_ids


@dataclass(frozen=True)
class Freshness:
    source: str
    cadence: str
    overdue_after_days: float
    newest_file: str | None  # none: the folder holds no delivery (person ids hidden)
    delivered_at: datetime | None
    age_days: float | None
    sample_files: int = 0  # the generated sample's files in the folder, not judged

    @property
    def is_overdue(self) -> bool:
        if self.newest_file is None and self.sample_files:
            return False
        return self.age_days is None or self.age_days > self.overdue_after_days

    @property
    def expected(self) -> str:
        return f"{self.cadence} deliveries, overdue after {self.overdue_after_days:g} days"

    @property
    def state(self) -> str:
        """What the newest delivery is against the cadence, in words."""
        if self.newest_file is None and self.sample_files:
            return f"the generated sample only, not judged ({self.expected})"
        if self.newest_file is None:
            return f"no delivery in landing; expected {self.expected}"
        return (
            f"newest file {self.newest_file} arrived "
            f"{self.delivered_at:%Y-%m-%d %H:%M} UTC, {self.age_days:.1f} days ago: "
            f"{'OVERDUE' if self.is_overdue else 'on time'} ({self.expected})"
        )

    def describe(self) -> str:
        return f"{self.source}: {self.state}"


def source_freshness(settings: Settings, now: datetime | None = None) -> list[Freshness]:
    """Each configured source's freshness at `now` (the time the files' times are taken
    against; default the present), in sources.yml's order."""
    now = now or datetime.now(UTC)
    marker = settings.landing_dir / SAMPLE_MARKER
    generated = set(json.loads(marker.read_text("utf-8"))["sha256"]) if marker.exists() else set()
    out = []
    for source, rule in sources_config()["sources"].items():
        every = [path for _, path in landing_files(settings.landing_dir, [source])]
        files = [p for p in every if f"{source}/{p.name}" not in generated]
        newest = max(files, key=lambda p: p.stat().st_mtime) if files else None
        delivered = datetime.fromtimestamp(newest.stat().st_mtime, UTC) if newest else None
        out.append(
            Freshness(
                source=source,
                cadence=rule["cadence"],
                overdue_after_days=float(rule["overdue_after_days"]),
                newest_file=hide_person_ids(newest.name) if newest else None,
                delivered_at=delivered,
                age_days=(now - delivered).total_seconds() / 86400 if delivered else None,
                sample_files=len(every) - len(files),
            )
        )
    return out
