"""Entry point of the frozen EmDia (PyInstaller): the same ``emdia`` command line as pip's
console script; with no command it opens the window (its start window painted first)."""

import multiprocessing
import sys

from ui.first_paint import main

if __name__ == "__main__":
    # First: a document batch's render worker (``spawn``) is this program started again, and
    # here it becomes that worker — runs its jobs and exits — instead of opening EmDia.
    multiprocessing.freeze_support()
    sys.exit(main())
