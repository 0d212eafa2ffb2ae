"""Command line: every step runs without the Dagster UI.

bkwh run                  generate the sample if landing is empty, then the refresh job
                          (--source S, --month YYYY-MM [--to-month YYYY-MM] to narrow it)
bkwh generate             write the sample extracts into landing
bkwh ingest [--source S]  validate and load landing files into raw
bkwh publish              copy the marts to analytics.duckdb (after `dbt build`)
bkwh extract jobindsats|statbank|all   fetch benchmark extracts into landing
bkwh report               build reports/output/index.html and indikatorer.xlsx from
                          analytics.duckdb
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from pipeline.config import SAMPLE_START, Settings, local_today
from pipeline.privacy import hide_person_ids

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Ballerup employment-strategy warehouse."
)
log = logging.getLogger("bkwh")


class RefreshLocked(RuntimeError):
    pass


def lock_state(path: Path) -> tuple[bool, str]:
    """Whether a process holds the refresh lock at `path`, and the pid written in it: asked
    of the lock itself, not of that pid, which a killed refresh leaves behind and another
    process may have by now (helper-69)."""
    if not path.exists():
        return False, ""
    with open(path) as f:
        written = f.read().strip()
        try:
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, written or "unknown"
        fcntl.flock(f, fcntl.LOCK_UN)
        return False, written


@contextmanager
def refresh_lock(settings: Settings) -> Iterator[None]:
    """One refresh at a time: DuckDB allows a single writer. A second refresh exits."""
    path = settings.warehouse_path.parent / ".refresh.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            raise RefreshLocked(
                f"another refresh is running (pid {holder}, lock {path}); it holds the "
                "warehouse. Wait for it to finish and run again."
            ) from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()


@contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """`refresh_lock` for a command that writes what a refresh writes (`bkwh ingest`,
    `publish`, `report`): while a refresh holds it, the command says so and exits 75, as a
    second `bkwh run` does. `publish` and `report` took no lock, and beside a refresh's
    publish they shared its files written aside (helper-114)."""
    try:
        with refresh_lock(settings):
            yield
    except RefreshLocked as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(75) from None


def _landed_files(settings: Settings) -> list[Path]:
    root = settings.landing_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _landing_is_empty(settings: Settings) -> bool:
    return not _landed_files(settings)


def _sample_refused(settings: Settings) -> str | None:
    """Why an empty landing folder is not to be filled with the generated sample, or None:
    with a pseudonym key set (real deliveries are keyed with it) or a warehouse that has
    loaded files, an empty landing is an unmounted share, a misspelt BKWH_LANDING_DIR or
    deliveries moved away, and the sample, loaded under the real key, would supersede the
    real deliveries of the same names and be published (review, December 2026)."""
    if os.environ.get("BKWH_PSEUDONYM_KEY"):
        return "BKWH_PSEUDONYM_KEY is set: this is a warehouse of real deliveries"
    if settings.warehouse_path.exists():
        from pipeline.ingest import loadlog

        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            loaded = (
                loadlog.exists(con)
                and con.execute("select count(*) from raw._load_log").fetchone()[0]
            )
        if loaded:
            return f"the warehouse ({settings.warehouse_path}) has loaded files before"
    return None


def _setup_logging(verbose: bool) -> None:
    from pipeline import logs

    logs.setup(None, verbose)


@app.command()
def generate(
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same files.")
    ] = 42,
    scale: Annotated[float, typer.Option(help="1.0 is Ballerup's ~52,000 residents.")] = 1.0,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = SAMPLE_START,
    end: Annotated[str | None, typer.Option(help="Last month (default: last complete).")] = None,
) -> None:
    """Write the synthetic sample extracts into an empty landing folder, in each source's own
    format."""
    from pipeline.sample.generate import generate as _generate

    settings = Settings.from_env()
    held = _landed_files(settings)
    if held:
        # a second world over the first would be refused file by file (volume) or, where it
        # loads, mixed with the first's person data in the warehouse
        typer.echo(
            f"{settings.landing_dir} already holds {len(held)} "
            f"file{'s' if len(held) != 1 else ''}: a new sample would "
            "overwrite some and be mixed with what is loaded. Start from an empty folder: "
            "`make clean`, or point the BKWH_*_DIR and BKWH_*_PATH variables at a new one "
            "(README, 'The sample data').",
            err=True,
        )
        raise typer.Exit(2)
    summary = _generate(settings.landing_dir, seed=seed, scale=scale, start=start, end=end)
    typer.echo(
        f"wrote {summary['files']} files for {summary['start']}..{summary['end']} "
        f"({summary['residents']} residents, {summary['person_weeks']} person-weeks) "
        f"to {settings.landing_dir}"
    )


@app.command()
def ingest(
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeatable).")] = None,
    verbose: Annotated[bool, typer.Option(help="Debug messages on the console too.")] = False,
) -> None:
    """Validate each new landing file with its GX suite and load it into raw, or quarantine it."""
    from pipeline.ingest import Ingestor

    _setup_logging(verbose)
    settings = Settings.from_env()
    with exclusive(settings):
        outcomes = Ingestor(settings).run(sources=source)
    for o in outcomes:
        if o.status == "quarantined":
            typer.echo(f"QUARANTINED {o.source}/{o.file}: {o.message}", err=True)
    counts = Counter(o.status for o in outcomes)
    typer.echo(f"ingest: {dict(counts)}")
    if counts.get("quarantined"):
        raise typer.Exit(1)


@app.command("publish")
def publish_cmd() -> None:
    """Publish the marts to analytics.duckdb (run after a passing `dbt build`)."""
    from pipeline.publish import publish

    settings = Settings.from_env()
    with exclusive(settings):
        result = publish(settings)
    typer.echo(
        f"published {len(result.tables)} tables to {result.path} "
        f"({result.suppressed_cells} suppressed cells)"
    )


@app.command("report")
def report_cmd() -> None:
    """Build the report and the workbook from analytics.duckdb."""
    from pipeline.report import build_report

    settings = Settings.from_env()
    with exclusive(settings):
        result = build_report(settings)
    typer.echo(
        f"report: {result.path} ({result.n_with_value} of {result.n_indicators} "
        f"indicators with a value, {result.n_charts} charts)\n"
        f"pdf: {result.pdf_path or result.pdf_missing}\n"
        f"workbook: {result.workbook_path}"
    )


extract_app = typer.Typer(
    help="Fetch benchmark extracts from Jobindsats and StatBank into landing (one file per "
    "period, as the sample generator writes them, with a .request.json sidecar).",
    no_args_is_help=True,
)
app.add_typer(extract_app, name="extract")

PeriodOption = Annotated[
    str | None,
    typer.Option(
        help="A period or range: 2024M01, 2024M01:2024M12, or Jobindsats' relative latest:12. "
        "Default: the month before this one."
    ),
]


# StatBank has no relative 'latest:n': its periods are named (DST's API, Tid)
StatBankPeriodOption = Annotated[
    str | None,
    typer.Option(
        help="A period or range: 2024M01 or 2024M01:2024M12. Default: the month before this one."
    ),
]


def _report_fetched(results) -> None:
    for r in results:
        typer.echo(r.said)
        for f in r.files:
            typer.echo(f"  {f}")


def _fetching(action) -> None:
    """Run a fetch; a FetchError is the user's message and exit code 2, nothing written."""
    from pipeline.fetch import FetchError

    _setup_logging(False)
    try:
        _report_fetched(action())
    except FetchError as e:
        typer.echo(f"extract failed: {e}", err=True)
        raise typer.Exit(2) from None


@extract_app.command("jobindsats")
def extract_jobindsats(
    table: Annotated[str, typer.Option(help="Table id in extracts.yml, e.g. y25i09.")],
    period: PeriodOption = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            help="An area selection of the table's area hierarchy: / (Hele landet), * (every "
            "municipality) or value ids; repeat for more. Default: the table's `areas` in "
            "extracts.yml, else / and *."
        ),
    ] = None,
) -> None:
    """Fetch one Jobindsats table through API v3 (needs JOBINDSATS_API_KEY)."""
    from pipeline.fetch.extracts import fetch_jobindsats, for_table, previous_month

    landing = Settings.from_env().landing_dir
    areas = tuple(area) if area else None  # extracts.yml's, else the country and every municipality
    _fetching(
        lambda: [
            fetch_jobindsats(
                landing,
                table,
                for_table("jobindsats", table, period or previous_month()),
                areas=areas,
                log=log.warning,
            )
        ]
    )


@extract_app.command("statbank")
def extract_statbank(
    table: Annotated[str, typer.Option(help="Table id in extracts.yml, e.g. AUP02.")],
    var: Annotated[
        list[str] | None,
        typer.Option(
            help="A variable and its values, CODE=v1,v2 or CODE=*, in place of extracts.yml's "
            "(default: as extracts.yml selects them, the area variable for the areas the "
            "warehouse knows)."
        ),
    ] = None,
    period: StatBankPeriodOption = None,
    fmt: Annotated[str, typer.Option("--format", help="CSV or BULK.")] = "CSV",
) -> None:
    """Fetch one StatBank table (no key needed)."""
    from pipeline.fetch.extracts import fetch_statbank, for_table, previous_month

    variables = {k: v.split(",") for k, v in (_pair(x) for x in var or [])} or None
    landing = Settings.from_env().landing_dir
    _fetching(
        lambda: [
            fetch_statbank(
                landing,
                table,
                for_table("statbank", table, period or previous_month()),
                variables,
                fmt,
                log=log.warning,
            )
        ]
    )


@extract_app.command("all")
def extract_all(
    period: Annotated[
        str | None,
        typer.Option(
            help="A month or range: 2024M01 or 2024M01:2024M12, asked of every table in its "
            "own periods; a period a table has not published fails it. Default: as the "
            "monthly job, each table for the months its source still revises and any it had "
            "not published, to the month before this one."
        ),
    ] = None,
) -> None:
    """Fetch every table in extracts.yml (checks JOBINDSATS_API_KEY before fetching any); a
    table that fails stops no other, and the failures are named at the end (exit 2)."""
    from pipeline.fetch import FetchError, jobindsats
    from pipeline.fetch.extracts import configured, fetch_each

    landing = Settings.from_env().landing_dir
    _setup_logging(False)
    failed = []
    try:
        jobindsats.api_key()
    except FetchError as e:
        typer.echo(f"extract failed: {e}", err=True)
        raise typer.Exit(2) from None
    # the failures named at the end; a month not published yet fails only when asked for
    # (without --period, each table's months to the month before: fetch_each)
    for done in fetch_each(landing, configured(), period, log=log.warning):
        if done.fetched:
            _report_fetched([done.fetched])
            continue
        said = "failed" if done.failed else "skipped (asked again next month)"
        typer.echo(f"extract {said}: {done.source} {done.table}: {done.error}", err=True)
        if done.failed:
            failed.append(done.table)
    if failed:
        typer.echo(
            f"extract: {len(failed)} of {len(configured())} tables failed ({', '.join(failed)}); "
            "the others were written",
            err=True,
        )
        raise typer.Exit(2)


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise typer.BadParameter(f"{text!r}: expected NAME=value")
    return name.strip(), value.strip()


def _check_months(month: str | None, to_month: str | None) -> None:
    """`run --month/--to-month` are months written YYYY-MM, in order, and months the refresh
    is partitioned by (whole months: not this one, nor one before the first): '2026-3' or
    '2030-01' ran a whole rebuild and said nothing of it (helper-59), and this month ran and
    recorded a partition Dagster does not have (helper-69)."""
    from orchestration.lib.partitions import partition_months

    this_month = local_today().strftime("%Y-%m")
    months = partition_months()
    for hint, value in (("--month", month), ("--to-month", to_month)):
        if value is None:
            continue
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise typer.BadParameter(f"{value!r} is not a month like 2026-03", param_hint=hint)
        if value > this_month:
            raise typer.BadParameter(f"{value} is after this month, {this_month}", param_hint=hint)
        if value not in months:
            raise typer.BadParameter(
                f"{value} is not a month the refresh is partitioned by ({months[0]} to "
                f"{months[-1]}: whole months)",
                param_hint=hint,
            )
    if to_month and not month:
        raise typer.BadParameter("needs --month, the first month", param_hint="--to-month")
    if to_month and month and to_month < month:
        raise typer.BadParameter(f"{to_month} is before --month {month}", param_hint="--to-month")


def _summary(settings: Settings, log_path) -> None:
    """Where everything is, the data's last month, the statuses, and the sources whose
    newest delivery is overdue (pipeline/freshness.py)."""
    import duckdb

    from pipeline.freshness import source_freshness

    lines = []
    try:
        with duckdb.connect(str(settings.analytics_path), read_only=True) as con:
            [(last,)] = con.execute("select max(period) from marts.fct_indicator_values").fetchall()
            # none yet: the deliveries so far give no indicator a value (helper-59)
            statuses = dict(
                con.execute(
                    "select status, count(*) from marts.fct_indicator_status group by 1"
                ).fetchall()
            )
        ordered = sorted(statuses.items(), key=lambda x: (-x[1], x[0]))
        counted = ", ".join(f"{n} {s}" for s, n in ordered)
        lines.append(f"  data to           {f'{last:%Y-%m}' if last else 'no values yet'}")
        lines.append(f"  indicators        {counted}")
    except duckdb.Error as e:
        shown = "no publication yet" if not settings.analytics_path.exists() else str(e)
        lines.append(f"  ({hide_person_ids(shown.splitlines()[0])})")
    # a source whose newest delivery is late: the figures stop at what it last sent
    for late in (f for f in source_freshness(settings) if f.is_overdue):
        lines.append(f"  overdue           {late.describe()}")
    for label, path in (
        ("report", settings.report_path),
        ("report as PDF", settings.report_pdf_path),
        ("workbook", settings.workbook_path),
        ("published marts", settings.analytics_path),
        ("validations", settings.log_dir / "validations" / "index.html"),
        ("quarantine", settings.quarantine_dir),
        ("full log", log_path),
    ):
        if path is not None and path.exists():  # (no quarantine folder: nothing refused)
            lines.append(f"  {label:17} {path}")
    typer.echo("\n".join(lines))


@contextmanager
def _parsing_aside(settings: Settings) -> Iterator[None]:
    """Prepare the dbt manifest in a process of its own while the block runs; wait for it
    after. If it fails, the refresh parses the project itself, as it would have. It parses
    with the warehouse path the build will have: dbt re-parses the whole project when the
    rendered profile differs (a fresh clone's build took 48.6 s instead of about 40)."""
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-c", "import orchestration.project"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BKWH_WAREHOUSE_PATH": str(settings.warehouse_path)},
    )
    try:
        yield
    finally:
        proc.wait()


@app.command()
def run(
    seed: Annotated[int, typer.Option(help="Sample seed when landing is empty.")] = 42,
    scale: Annotated[float, typer.Option(help="Sample scale when landing is empty.")] = 1.0,
    month: Annotated[
        str | None, typer.Option(help="Only this month's person-level files, YYYY-MM.")
    ] = None,
    to_month: Annotated[
        str | None, typer.Option(help="With --month: a backfill of the months up to this one.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Only this source and what is built from it.")
    ] = None,
    verbose: Annotated[bool, typer.Option(help="Everything on the console too.")] = False,
) -> None:
    """The main job: sample data if landing is empty, then landing -> raw -> dbt -> publish
    -> report, as the Dagster `refresh` job executed in-process. Nothing new, nothing done."""
    from pipeline import logs
    from pipeline.plan import plan_refresh

    _check_months(month, to_month)
    settings = Settings.from_env()
    log_path = logs.setup(settings.log_dir, verbose)
    say = logs.progress.info
    if _landing_is_empty(settings):
        if refused := _sample_refused(settings):
            typer.echo(
                f"landing ({settings.landing_dir}) is empty, and the sample is not generated "
                f"into it: {refused}. Is the landing share mounted and BKWH_LANDING_DIR "
                "right? Nothing was loaded or published.",
                err=True,
            )
            raise typer.Exit(2)
        say(f"landing ({settings.landing_dir}) is empty: generating the sample")
        # dbt parses the project (about 13 s on a fresh clone) on the other core meanwhile:
        # the refresh then finds its manifest ready (orchestration/project.py)
        with _parsing_aside(settings):
            generate(seed=seed, scale=scale, start=SAMPLE_START, end=None)
    try:
        with refresh_lock(settings):
            plan = plan_refresh(settings, [source] if source else None)
            if plan.stray_files:
                n = len(plan.stray_files)
                say(
                    f"landing holds {n} file(s) in no source's folder, not loaded: "
                    f"{', '.join(plan.stray_files[:5])}{' …' if n > 5 else ''} (a source's "
                    f"files go in {settings.landing_dir}/<source>/, the sources of sources.yml)"
                )
            if plan.nothing_to_do and not month:
                from orchestration.lib.runs import recover_dead_runs

                recover_dead_runs(settings, say)  # a run killed since frees its slot now
                say(f"nothing new in {settings.landing_dir}, and {plan.reason}: nothing to do")
                _summary(settings, log_path)
                return
            if plan.busy:
                say(f"refresh: {plan.busy}; the run waits for it")
            else:
                new = ", ".join(f"{s} {len(f)}" for s, f in sorted(plan.new_files.items()))
                files = {0: "no new files", 1: f"1 new file ({new})"}.get(
                    plan.n_new, f"{plan.n_new} new files ({new})"
                )
                say(f"refresh: {files}; {plan.reason}")
                if month or source:  # asked for: built and tested whatever is new
                    asked = [f"months {month}..{to_month}" if to_month else f"month {month}"]
                    asked = (asked if month else []) + ([source] if source else [])
                    say(f"rebuilding {' and '.join(asked)} as asked, then publish and report")
                elif plan.publish_only:
                    say(
                        "the marts are built and tested from what the warehouse holds: "
                        "publish and report only"
                    )
            # the dbt profile reads the warehouse path from here, at parse and build alike
            os.environ["BKWH_WAREHOUSE_PATH"] = str(settings.warehouse_path)
            from orchestration.run import Stopped, execute_watched

            with logs.captured(log_path):
                try:
                    result = execute_watched(
                        settings,
                        month,
                        to_month or month,
                        source,
                        say,
                        publish_only=plan.publish_only and not (month or source),
                    )
                except Stopped as e:
                    stopped = e
                else:
                    stopped = None
            if stopped is not None:
                typer.echo(
                    f"{stopped}; {settings.analytics_path} is as it was. Full log: {log_path}",
                    err=True,
                )
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(stopped.exit_code)  # the worker thread ends with the process
    except RefreshLocked as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(75) from None
    except Exception as e:
        # before or around the job, where no run-failure alert is made (a warehouse the plan
        # cannot read, an error of Dagster's own): told as a failed refresh is, then raised
        # as it is, for main() to print (helper-69)
        from pipeline.alerts import deliver

        message = hide_person_ids(f"{type(e).__name__}: {e}")[:2000]
        deliver(
            settings,
            {"kind": "refresh_error", "message": message},
            "Beskæftigelsesstrategien: kørslen fejlede, før den kom i gang",
            message,
        )
        raise
    for failure in result.failures:
        typer.echo(f"FAILED step {failure[:4000]}", err=True)
    if not result.success:
        kept = (
            f"{settings.analytics_path} still holds the last good publication"
            if settings.analytics_path.exists()
            else "nothing is published yet"
        )
        # the quarantine is named where it holds a refused file (a run that failed for
        # another reason, as a missing pseudonym key, refused none)
        refused = settings.quarantine_dir.is_dir() and any(
            p.is_file() for p in settings.quarantine_dir.rglob("*")
        )
        where = f" Quarantined files: {settings.quarantine_dir}." if refused else ""
        typer.echo(f"refresh failed; {kept}.{where} Full log: {log_path}", err=True)
        raise typer.Exit(1)
    say("refresh done:")
    _summary(settings, log_path)


@app.command()
def doctor(
    dry_run: Annotated[bool, typer.Option(help="Only list; free nothing.")] = False,
) -> None:
    """Runs, warehouse slots and locks of this installation; frees what dead processes hold.

    Uses the Dagster instance of DAGSTER_HOME (make run and make dev: .dagster_home). What a
    live process holds is listed and left alone."""
    import dagster as dg

    from orchestration.lib.runs import is_dead, pool_info, recover_dead_runs, states

    settings = Settings.from_env()
    lock = settings.warehouse_path.parent / ".refresh.lock"
    held, written = lock_state(lock)
    if held:
        typer.echo(f"refresh lock {lock}: held by pid {written} (running)")
    else:  # the pid a refresh killed wrote stays in the file: its process, or another's now
        left = f" (left by pid {written}, which holds it no more)" if written else ""
        typer.echo(f"refresh lock {lock}: free{left}")
    if not os.environ.get("DAGSTER_HOME"):
        typer.echo(
            "DAGSTER_HOME is not set: no persistent Dagster instance to look at "
            "(make run and make dev use .dagster_home)"
        )
        return
    instance = dg.DagsterInstance.get()
    info = pool_info(instance)
    if info is not None:
        typer.echo(
            f"pool {info.concurrency_key}: limit {info.limit}, "
            f"{len(info.claimed_slots)} slot(s) claimed, {len(info.pending_steps)} step(s) waiting"
        )
    found = states(instance)
    for state in found:
        steps = ", ".join(state.slots) or "none"
        typer.echo(f"  {state.describe()}; holds: {steps}; waiting: {len(state.pending)} step(s)")
    if not found:
        typer.echo("  no active run, no slot claimed")
    dead = [s for s in found if is_dead(s)]
    if dry_run or not dead:
        typer.echo(f"{len(dead)} run(s) of dead processes" + (" (dry run)" if dry_run else ""))
        return
    # as a refresh recovers them: each run marked failed now is told (the alert), once
    recover_dead_runs(settings, typer.echo, on=instance)


def main() -> None:  # pragma: no cover
    try:
        app()
    except Exception as e:
        if os.environ.get("BKWH_DEBUG"):
            raise
        # an unexpected error's text can quote a row (DuckDB does): no person id in it
        typer.echo(f"error: {hide_person_ids(f'{type(e).__name__}: {e}')}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
