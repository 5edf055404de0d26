"""Every permission rule an app registers is checked somewhere: a rule nothing asks for only misleads
the next reader about who may do what."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _sources() -> str:
    files = [
        path
        for pattern in ("apps/**/*.py", "apps/**/*.html", "templates/**/*.html")
        for path in ROOT.glob(pattern)
        if path.name != "rules.py" and "migrations" not in path.parts
    ]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def _registered() -> list[str]:
    """The actions the apps' rules.py files register (tests register rules of their own)."""
    actions = []
    for path in ROOT.glob("apps/*/rules.py"):
        actions += re.findall(r'register\(\s*"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8"))
    return actions


def test_every_registered_rule_is_checked_by_some_view_or_service():
    registered = _registered()
    assert len(registered) > 20
    sources = _sources()
    unchecked = sorted(action for action in registered if f'"{action}"' not in sources)
    assert unchecked == []
