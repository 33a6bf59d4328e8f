"""``write_durably`` when two writers put the same file at once: the start backup and the
closing backup (the window closed right after it opened) both copy the document archive into
the same content-addressed store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.files import write_durably


def test_a_second_writer_of_the_same_file_does_not_break_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "store" / "ab" / "abcdef.pdf"
    target.parent.mkdir(parents=True)
    real_fsync = os.fsync
    nested: list[bool] = []

    def fsync_while_another_writes(fd: int) -> None:
        # The other thread's whole write lands while this one waits for the disk.
        if not nested:
            nested.append(True)
            write_durably(target, b"%PDF-1.4 the same document")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_while_another_writes)
    write_durably(target, b"%PDF-1.4 the same document")

    assert nested and target.read_bytes() == b"%PDF-1.4 the same document"
    assert sorted(p.name for p in target.parent.iterdir()) == ["abcdef.pdf"]  # nothing left over


def test_a_failed_write_leaves_the_old_file_and_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"old")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_durably(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]
