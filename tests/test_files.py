"""pipeline/files.py: a file written aside is on disk before its rename, and the rename is on
disk after it (what a power cut needs; a killed process needs only the rename: test_crash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.files import installed_together, write_atomic


def test_a_file_is_synced_under_its_temporary_name_then_its_folder(tmp_path: Path, synced):
    path = tmp_path / "landing" / "meetings_2025-12.csv"
    write_atomic(path, b"a;b\n1;2\n")
    tmp = path.with_name(f".{path.name}.tmp")
    # the bytes are synced while the file still has its temporary name (before the rename),
    # the folder after it: the rename is what makes the new name durable
    assert synced == [(str(tmp), False), (str(path.parent), True)]
    assert path.read_bytes() == b"a;b\n1;2\n" and not tmp.exists()


def test_files_installed_together_are_each_synced_before_any_is_renamed(tmp_path: Path, synced):
    page, book = tmp_path / "report" / "index.html", tmp_path / "report" / "indikatorer.xlsx"
    pdf = tmp_path / "pdf" / "rapport.pdf"
    with installed_together([page, book, pdf]) as tmps:
        for path, tmp in tmps.items():
            tmp.write_bytes(path.name.encode())
    # every file synced (under its temporary name: none renamed yet), then each folder once
    assert synced[:3] == [(str(tmps[p]), False) for p in (page, book, pdf)]
    assert sorted(synced[3:]) == sorted([(str(page.parent), True), (str(pdf.parent), True)])
    assert [p.read_bytes() for p in (page, book, pdf)] == [
        b"index.html",
        b"indikatorer.xlsx",
        b"rapport.pdf",
    ]


def test_a_failed_block_syncs_and_renames_nothing(tmp_path: Path, synced):
    path = tmp_path / "report.html"
    path.write_bytes(b"the last good page")
    with pytest.raises(RuntimeError), installed_together([path]) as tmps:
        tmps[path].write_bytes(b"half a page")
        raise RuntimeError("the workbook failed")
    assert synced == [] and path.read_bytes() == b"the last good page"
    assert not tmps[path].exists()
