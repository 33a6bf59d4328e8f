"""Every file EmDia writes is readable only by the user who runs it.

The data folder holds a clinic's patients, money and documents; on a computer shared by several
Windows/Linux accounts, or with a backup folder others can browse, nobody else may read them.
On POSIX systems EmDia runs with the umask ``077`` (files ``0600``, folders ``0700`` — the
database and its ``-wal``/``-shm``, backups, logs, archived documents, exports) and tightens
the folders that already exist (a data folder made by an older version). On Windows the modes
mean nothing: the data folder is inside the user's profile (``%APPDATA%``), whose ACL already
gives access only to that user, the administrators and SYSTEM.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_POSIX = os.name == "posix"


def private_umask() -> None:
    """From now on, what this process creates is the user's alone (POSIX)."""
    if _POSIX:
        os.umask(0o077)


def make_private_dir(path: Path) -> Path:
    """``path`` (and missing parents) created ``0700``; an existing one made ``0700`` too."""
    path.mkdir(parents=True, exist_ok=True)
    tighten(path)
    return path


def tighten(path: Path) -> None:
    """``0700`` for a folder, ``0600`` for a file; silently nothing where the file system has no
    modes (a FAT pendrive) or the file is not ours."""
    if not _POSIX:
        return
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


def tighten_tree(folder: Path) -> None:
    """``folder`` and everything under it, for a data folder written before this rule. A folder
    that is ``0700`` is not descended into: what it holds is already out of others' reach."""
    if not _POSIX or not folder.is_dir():
        return
    if folder.stat().st_mode & 0o077 == 0:
        return
    for root, _dirs, files in os.walk(folder):
        tighten(Path(root))
        for name in files:
            tighten(Path(root) / name)


def write_durably(path: Path, data: bytes) -> None:
    """``path`` holding ``data`` on disk before it appears under its name (written beside it,
    fsynced, renamed): a crash leaves the old file or the new one, never half of one.

    Each writer writes its own uniquely named partial file: two writers of the same path at
    once (the start and the closing backups both copying a document into the store) each
    rename a whole file, and the last rename wins. A write that fails leaves no partial file."""
    fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".parcial", dir=path.parent)
    partial = Path(name)
    try:
        with open(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _device(path: Path) -> int | None:
    """The disk (device) holding ``path`` or, before it exists, its nearest existing folder."""
    for candidate in (path, *path.parents):
        try:
            return candidate.stat().st_dev
        except OSError:
            continue
    return None


def same_disk(one: Path, other: Path) -> bool:
    """Both on the same disk: one failure (a dead HD, a stolen notebook, ransomware) takes both."""
    device = _device(one.expanduser().resolve())
    return device is not None and device == _device(other.expanduser().resolve())
