"""`make bench SCALE=…`: the refresh's stages on a generated world, timed and measured.

The world is generated (setup: shown, not counted) with its last month held back, and dbt
parses the project (setup too, as `make run` parses beside generating the sample: a refresh
partial-parses from the parse kept before it, which the bench would otherwise time as a
full parse of 7-10 s in its first dbt build). The
refresh of everything else is timed stage by stage (ingest, dbt build as the refresh runs it,
publish, report), with each stage's peak memory (RSS of this process and all its children
summed, sampled every 50 ms: dbt runs as a subprocess) and each stage as a multiple of a
floor: one DuckDB scan-and-aggregate of the raw person-week table. Then the held-back month
is delivered and refreshed on top (`incremental_s`): what a monthly refresh costs once years
are loaded. The last line is machine-readable:

    bench: scale=<s> person_weeks=<n> total_s=<t> floor_s=<f> ratio=<t/f> peak_rss_mb=<m>
           incremental_s=<i>
"""

from __future__ import annotations

import argparse
import contextlib
import json
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

from pipeline import periods
from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT, SAMPLE_MARKER, Settings, dbt_executable
from pipeline.dbt_plan import BUILD_ARGS, unchanged_nodes
from pipeline.state import (
    finish_attempt,
    generator_fingerprint,
    raw_tables_loaded_since_build,
    record_attempt,
    record_build,
)
from pipeline.suites import spec_for

SETUP = ("generate", "dbt_parse")  # timed and shown, not in total_s
# as the refresh runs dbt, quiet on the bench's terminal
DBT_BUILD = [*BUILD_ARGS, "--quiet"]


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
    stage = Stage(name, seconds, mem.peak / 2**20)
    print(f"  {name:<12} {seconds:>8.2f} s {stage.peak_mb:>8.0f} MB", flush=True)
    return stage, result


def dbt_timings(run_results: Path, slowest: int = 6) -> str:
    """Where a dbt build's time went, from its run_results.json: dbt's own elapsed time, the
    nodes' summed time (they run on the profile's threads), the data tests' share of it, and
    the slowest nodes."""
    results = json.loads(run_results.read_text(encoding="utf-8"))
    nodes = sorted(results["results"], key=lambda r: -r["execution_time"])
    summed = sum(r["execution_time"] for r in nodes)
    tests = sum(r["execution_time"] for r in nodes if r["unique_id"].startswith("test."))
    top = ", ".join(
        f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f}" for r in nodes[:slowest]
    )
    return (
        f"    dbt: {results['elapsed_time']:.1f} s elapsed, {summed:.1f} s in {len(nodes)} "
        f"nodes (data tests {tests:.1f} s); slowest: {top}"
    )


def last_month_files(landing: Path, month: str) -> list[Path]:
    """The deliveries named for `month` (and the rolling years ending in it), but for the
    registers' snapshots: what the sources deliver when a month is published."""
    out = []
    for path in sorted(landing.rglob("*")):
        source = path.parent.name
        found = spec_for(source, path.name) if path.is_file() else None
        if not found or source == "registers" or not found[1].groupdict().get("period"):
            continue
        period = periods.parse(found[1]["period"])
        if period.kind in ("month", "rolling_year") and f"{period.start:%Y-%m}" == month:
            out.append(path)
    return out


def generated_by_this_code(world: Path) -> bool:
    """Whether the world's marker names the generator as it is now (state.GENERATOR)."""
    marker = json.loads((world / SAMPLE_MARKER).read_text(encoding="utf-8"))
    return marker.get("generator") == generator_fingerprint()


def run_bench(
    scale: float, seed: int, root: Path, keep_world: bool = False
) -> tuple[list[Stage], int]:
    from pipeline.ingest import Ingestor
    from pipeline.publish import publish
    from pipeline.report import build_report
    from pipeline.sample.generate import generate

    world, later = root / "world", root / "later"
    kept = keep_world and (world / SAMPLE_MARKER).exists()
    if kept and not generated_by_this_code(world):
        print("  the kept world was generated by other code (pipeline/state.py GENERATOR): new")
        kept = False
    for path in root.iterdir() if root.exists() else []:
        if not (kept and path in (world, later)):
            (shutil.rmtree if path.is_dir() else Path.unlink)(path)
    root.mkdir(parents=True, exist_ok=True)
    os.environ.update(Settings.env_for_root(root))
    settings = Settings.from_env()
    target = root / "dbt_target"

    def dbt(*args: str) -> None:
        subprocess.run(
            [dbt_executable(), *args, "--target-path", str(target)],
            cwd=DBT_PROJECT_DIR,
            env=settings.dbt_env(),
            check=True,
        )

    def dbt_build(*extra: str) -> None:
        # as the refresh plans it (orchestration/defs/transform/assets.py): without the data
        # tests whose inputs the last passing build saw as they are
        changed = raw_tables_loaded_since_build(settings.warehouse_path)
        if changed is not None:
            manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
            if unchanged := unchanged_nodes(manifest, changed):
                left_out = ("--exclude", " ".join(unchanged), "--indirect-selection", "cautious")
                extra = (*extra, *left_out)
        # recorded as the refresh records its planned build (orchestration/defs/transform/
        # assets.py): dbt's own hook (macros/build_attempt.sql) leaves a build that leaves
        # out data tests unpassed, which publish refuses (the bench's publish failed so)
        with duckdb.connect(str(settings.warehouse_path)) as con:
            record_attempt(con)
        dbt(*DBT_BUILD, *extra)
        with duckdb.connect(str(settings.warehouse_path)) as con:
            record_build(con)
            finish_attempt(con)
        print(dbt_timings(target / "run_results.json"), flush=True)

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

    def refresh(prefix: str, *dbt_args: str) -> list[Stage]:
        return [
            timed(f"{prefix}{name}", fn)[0]
            for name, fn in (
                ("ingest", ingest),
                ("dbt_build", lambda: dbt_build(*dbt_args)),
                ("publish", lambda: publish(settings)),
                ("report", lambda: build_report(settings)),
            )
        ]

    if kept:  # --keep-world: the world generated (and split) by the previous bench
        summary = json.loads((world / SAMPLE_MARKER).read_text())
        stages = [Stage("generate", 0.0, 0.0)]
        print("  generate: kept from the previous bench (--keep-world)")
    else:
        stage, summary = timed("generate", lambda: generate(world, seed=seed, scale=scale))
        stages = [stage]
        for path in last_month_files(world, summary["end"]):
            (later / path.parent.name).mkdir(parents=True, exist_ok=True)
            path.rename(later / path.parent.name / path.name)
    stages.append(timed("dbt_parse", lambda: dbt("parse", "--quiet"))[0])
    held_back = [p for p in later.rglob("*") if p.is_file()]
    shutil.copytree(world, settings.landing_dir)  # with the sample's marker (its key)
    print(f"  held back {len(held_back)} files of {summary['end']} for the incremental refresh")
    # With the last month held back, the month before it is the register's last: its exits
    # (1.1) are not yet seen, while the generated benchmark for that month knew them. The
    # reconciliation tests wait for the month that completes it (the incremental refresh).
    stages += refresh("", "--exclude", "path:tests/reconciliation")
    stages.append(timed("floor", floor)[0])
    for path in held_back:
        shutil.copy2(path, settings.landing_dir / path.parent.name / path.name)
    stages += refresh("inc_")
    return stages, int(summary["person_weeks"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="work folder (default data/bench/scale-<s>; emptied first)",
    )
    parser.add_argument(
        "--keep-world",
        action="store_true",
        help="reuse the world the previous bench generated in the work folder",
    )
    args = parser.parse_args(argv)
    root = args.dir or REPO_ROOT / "data" / "bench" / f"scale-{args.scale:g}"
    stages, person_weeks = run_bench(args.scale, args.seed, root, args.keep_world)
    by = {s.name: s for s in stages}
    floor = by["floor"].seconds
    full = [s for s in stages if s.name in ("ingest", "dbt_build", "publish", "report")]
    incremental = [s for s in stages if s.name.startswith("inc_")]
    total = sum(s.seconds for s in full)
    peak = max(s.peak_mb for s in full + incremental)
    print(f"{'stage':<12} {'wall_s':>9} {'peak_rss_mb':>12} {'x_floor':>9}")
    for s in stages:
        note = "  (setup, not in total)" if s.name in SETUP else ""
        print(f"{s.name:<12} {s.seconds:>9.2f} {s.peak_mb:>12.0f} {s.seconds / floor:>9.1f}{note}")
    print(
        f"bench: scale={args.scale:g} person_weeks={person_weeks} total_s={total:.2f} "
        f"floor_s={floor:.3f} ratio={total / floor:.1f} peak_rss_mb={peak:.0f} "
        f"incremental_s={sum(s.seconds for s in incremental):.2f}"
    )


if __name__ == "__main__":
    main()
