"""What the window's start does not load: the document layouts (ReportLab) wait for the first
document, so the login and the first screen appear sooner."""

from __future__ import annotations

import subprocess
import sys


def test_reportlab_waits_for_the_first_document() -> None:
    code = (
        "import sys, ui.main, app.bootstrap, app.cli\n"
        "assert 'reportlab' not in sys.modules, 'loaded at start'\n"
        "from app.services.documents import single, batch\n"
        "import app.services.dossie\n"
        "assert 'reportlab' not in sys.modules, 'loaded with the services'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
