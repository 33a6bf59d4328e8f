"""EmDia core: domain rules, services, persistence, documents and the headless CLI.

Nothing under ``app`` imports Qt (checked by ``tests/unit/test_layering.py``): the GUI in ``ui``
and the CLI are two faces of the same services.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``app.__version__``, read from the installed package's metadata when first asked for
    (``importlib.metadata`` is not worth its import on every start)."""
    if name != "__version__":
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("emdia")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
