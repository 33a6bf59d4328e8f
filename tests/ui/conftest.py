from __future__ import annotations

from collections.abc import Iterator

import pytest

from ui import errors
from ui.errors import ErrorReporter

pytestmark = pytest.mark.gui


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


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
