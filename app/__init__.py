"""EmDia core: domain rules, services, persistence, documents and the headless CLI.

Nothing under ``app`` imports Qt (checked by ``tests/unit/test_layering.py``): the GUI in ``ui``
and the CLI are two faces of the same services.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("emdia")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
