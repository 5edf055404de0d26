"""The apps' optional modules (``apps/<app>/report.py``, ``nav.py``, ``demo.py``): an app takes part in
the annual report, the navigation or the demo data by having the module."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def optional_module(name: str) -> ModuleType | None:
    """The module ``name`` (dotted), or None when it does not exist. An import error inside an existing
    module is raised, not taken for a missing module."""
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
