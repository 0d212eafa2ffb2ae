"""`make bench SCALE=…`: the pipeline's stages on a generated world, timed and measured.

Each stage's wall seconds and peak memory (RSS of this process and all its children summed,
sampled every 50 ms: dbt runs as a subprocess, validation in worker processes) are printed,
with each stage as a multiple of a floor: one DuckDB scan-and-aggregate of the raw
person-week table in the same run. Generating the world is setup: it is shown, but it is not
part of total_s. The last line is machine-readable:

    bench: scale=<s> person_weeks=<n> total_s=<t> floor_s=<f> ratio=<t/f> peak_rss_mb=<m>
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT, Settings, dbt_executable


class PeakRss:
    """Peak summed RSS of this process tree while the context is open."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> int:
        me = psutil.Process()
        total = 0
        for p in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self.peak = self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float


def timed(name: str, fn: Callable[[], object]) -> tuple[Stage, object]:
    with PeakRss() as mem:
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    return Stage(name, seconds, mem.peak / 2**20), result


def run_bench(scale: float, seed: int, root: Path) -> list[Stage]:
    from pipeline.ingest import Ingestor
    from pipeline.publish import publish
    from pipeline.report import build_report
    from pipeline.sample.generate import generate

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    os.environ.update(Settings.env_for_root(root))
    settings = Settings.from_env()

    def dbt_build() -> None:
        subprocess.run(
            [dbt_executable(), "build", "--quiet", "--target-path", str(root / "target")],
            cwd=DBT_PROJECT_DIR,
            env=settings.dbt_env(),
            check=True,
        )

    def ingest() -> None:
        bad = [o for o in Ingestor(settings).run() if o.status == "quarantined"]
        if bad:
            raise RuntimeError(f"{len(bad)} files quarantined, first: {bad[0].message}")

    def floor() -> None:
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            con.execute(
                "select ydelse_code, count(*), count(distinct person_key) "
                "from raw.benefit_register_person_weeks group by 1"
            ).fetchall()

    stages = []
    stage, summary = timed(
        "generate", lambda: generate(settings.landing_dir, seed=seed, scale=scale)
    )
    stages.append(stage)
    for name, fn in (
        ("ingest", ingest),
        ("dbt_build", dbt_build),
        ("publish", lambda: publish(settings)),
        ("report", lambda: build_report(settings)),
        ("floor", floor),
    ):
        stages.append(timed(name, fn)[0])
    stages.append(Stage("_person_weeks", summary["person_weeks"], 0))
    return stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="work folder (default data/bench/scale-<s>; deleted first)",
    )
    args = parser.parse_args(argv)
    root = args.dir or REPO_ROOT / "data" / "bench" / f"scale-{args.scale:g}"
    stages = run_bench(args.scale, args.seed, root)
    person_weeks = int(stages.pop().seconds)
    by = {s.name: s for s in stages}
    floor = by["floor"].seconds
    pipeline = [s for s in stages if s.name not in ("generate", "floor")]
    total = sum(s.seconds for s in pipeline)
    peak = max(s.peak_mb for s in pipeline)
    print(f"{'stage':<10} {'wall_s':>9} {'peak_rss_mb':>12} {'x_floor':>9}")
    for s in stages:
        note = "  (setup, not in total)" if s.name == "generate" else ""
        print(f"{s.name:<10} {s.seconds:>9.2f} {s.peak_mb:>12.0f} {s.seconds / floor:>9.1f}{note}")
    print(
        f"bench: scale={args.scale:g} person_weeks={person_weeks} total_s={total:.2f} "
        f"floor_s={floor:.3f} ratio={total / floor:.1f} peak_rss_mb={peak:.0f}"
    )


if __name__ == "__main__":
    main()
