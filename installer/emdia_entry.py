"""Entry point of the frozen EmDia (PyInstaller): the same ``emdia`` command line as pip's
console script; with no command it opens the window (its start window painted first)."""

import multiprocessing
import sys

from ui.first_paint import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows program must say so before any worker
    sys.exit(main())
