"""Which command an ``emdia`` command line names, and whether it opens the window — read before
anything heavy is imported (the start window is painted on this answer, and the command line
then registers only what that command needs). Standard library only."""

from __future__ import annotations

from collections.abc import Sequence

WINDOW_COMMAND = "gui"
# Global options that take a value: their value is not a command word.
_VALUED = {"--db", "--today", "--user"}
# Options that print and leave without opening anything.
_NO_WINDOW = {"-h", "--help", "--version"}


def command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is neither an option nor a global
    option's value. None without one (no command is the window)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def opens_window(argv: Sequence[str]) -> bool:
    """``emdia [global options]`` or ``emdia [global options] gui [--demo]``."""
    return not _NO_WINDOW & set(argv) and command_word(argv) in (None, WINDOW_COMMAND)


def db_option(argv: Sequence[str]) -> str | None:
    """The value of ``--db`` (``--db X`` or ``--db=X``) on the command line, if given."""
    for position, arg in enumerate(argv):
        if arg == "--db" and position + 1 < len(argv):
            return argv[position + 1]
        if arg.startswith("--db="):
            return arg[len("--db=") :]
    return None
