from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from ui import errors, garbage
from ui.errors import ErrorReporter

pytestmark = pytest.mark.gui


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def collect_on_the_ui_thread(qapp: QApplication) -> None:
    """As ``make_application`` does for the window: from the first widget on, Python's cyclic
    garbage is collected on the UI thread only (ui/garbage.py), never by a task's worker."""
    garbage.install(qapp)


@pytest.fixture(autouse=True)
def no_message_box(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test that reaches the error reporter's message box fails instead of hanging on it;
    a test that expects an error replaces its reporter's ``show`` (see ``test_ops.capture``).
    Each test starts with no active reporter (one test's capture never hides another's bug)."""

    def fail(_parent: object, title: str, text: str, _critical: bool) -> None:
        raise AssertionError(f"unexpected message box: {title}: {text}")

    monkeypatch.setattr(ErrorReporter, "_message_box", staticmethod(fail))
    monkeypatch.setattr(errors, "_active", None)
    yield
