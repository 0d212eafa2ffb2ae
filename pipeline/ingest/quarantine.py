"""Record each validation (JSON and a page to read) and move refused files to quarantine.

A refused file is moved, never copied, to `quarantine/<source>/` with its validation result
beside it (`<file>.validation.json` and `.validation.html`); nothing of it is loaded. The
files a suite validated together share one batch document, which links each refused file's
own.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.files import fsync_dir, write_atomic, written_aside
from pipeline.ingest.discover import Delivery
from pipeline.ingest.problems import Problem
from pipeline.privacy import content_tag
from pipeline.validation_pages import write_validation_page


def _write(doc: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"))
    write_validation_page(doc, path.with_suffix(".html"))
    return path


def file_doc_path(settings: Settings, d: Delivery) -> Path:
    return settings.log_dir / "validations" / d.source / f"{d.name}.{content_tag(d.sha)}.json"


def write_refusal(
    settings: Settings,
    d: Delivery,
    problems: list[Problem],
    entries: list[dict[str, Any]],
    statistics: dict[str, Any],
) -> Path:
    """The validation result of one refused file."""
    doc = {
        "file": d.name,
        "source": d.source,
        "suite": d.spec.name if d.spec else None,
        "file_sha256": d.sha,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "success": False,
        "problems": [{**asdict(p), "text": str(p)} for p in problems],
        "expectations": entries,
        "statistics": statistics,
    }
    return _write(doc, file_doc_path(settings, d))


def write_batch(
    settings: Settings,
    source: str,
    suite: str,
    files: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    statistics: dict[str, Any],
    stamp: str,
) -> Path:
    """One document for the files a suite validated together: every expectation (met by all
    files or not) and each file's outcome, linking the refused files' own pages."""
    path = settings.log_dir / "validations" / source / f"{suite}.{stamp}.json"
    for f in files:
        if f.get("doc"):
            f["page"] = os.path.relpath(Path(f["doc"]).with_suffix(".html"), path.parent)
    doc = {
        "source": source,
        "suite": suite,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
        "expectations": rules,
        "statistics": statistics,
    }
    return _write(doc, path)


def quarantine_place(settings: Settings, d: Delivery, doc: Path) -> Path:
    """Where a refused file goes in quarantine, its validation result already copied there.
    The file itself is moved (`move_to_quarantine`) only once the load log holds its refusal:
    a refresh that fails or is killed before that commit leaves it in landing, and the next
    refresh refuses it again, instead of its refusal being lost with the transaction."""
    target_dir = settings.quarantine_dir / d.source
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / d.name
    if target.exists():
        target = target_dir / f"{d.path.stem}.{content_tag(d.sha)}{d.path.suffix}"
    for suffix in (".json", ".html"):
        result = doc.with_suffix(suffix)
        write_atomic(target.with_name(f"{target.name}.validation{suffix}"), result.read_bytes())
    return target


def move_to_quarantine(d: Delivery, target: Path) -> None:
    """Move (never copy) the refused file to its place in quarantine, the move on disk in
    both folders (files.py): a power cut leaves it whole in one of them. Where quarantine is
    on another file system than landing (a rename cannot cross one), the file is copied in
    aside, on disk, renamed into place, and only then removed from landing."""
    try:
        os.rename(d.path, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        # on disk under its name, quarantine's folder synced, before landing's copy goes
        with written_aside(target) as tmp:
            shutil.copy2(d.path, tmp)
        d.path.unlink()
    else:
        fsync_dir(target.parent)
    fsync_dir(d.path.parent)
