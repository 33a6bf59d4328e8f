"""The application's screen outlives every dialog fitted to it.

A form dialog measures the room its screen leaves when it is shown (``ui.widgets.screen``).
Asked as ``dialog.screen()``, PySide made the dialog the owner of the screen's Python object;
a dialog that ``exec()`` had handed to Python and that was left in a reference cycle was then
cleared by the garbage collector together with that object — and, cleared first, the object
took the application's QScreen with it. The next widget created read the freed screen: a
segmentation fault (the UI tests' worker died after an estorno followed by another dialog).
The crash kills the process, so the sequence runs in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

TWO_DIALOGS_LEFT_IN_CYCLES = textwrap.dedent(
    """
    import gc
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from ui.widgets.form_dialog import FormDialog

    application = QApplication(sys.argv)
    gc.disable()  # as the window does (ui/garbage.py): cycles wait for the collector's turn


    class Dialog(FormDialog):
        def __init__(self, parent: QWidget) -> None:
            super().__init__("Dialog", "Diálogo", "Salvar", parent)
            self.cycle = self  # what a stored closure or bound method of the dialog makes


    def open_and_cancel(window: QWidget) -> None:
        QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
        Dialog(window).exec()  # exec() hands the dialog to Python; its cycle keeps it


    window = QWidget()
    window.show()
    open_and_cancel(window)  # the screen's Python object is made here...
    open_and_cancel(window)  # ...and, older than this dialog, is cleared before it
    gc.collect()
    QDialog()  # Qt looks up the screen of every new widget
    print("still here", flush=True)
    """
)


def test_dialogs_collected_with_their_cycles_leave_the_screen_alive() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", TWO_DIALOGS_LEFT_IN_CYCLES],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and "still here" in done.stdout, (
        f"exit {done.returncode}: {done.stderr[-2000:]}"
    )
