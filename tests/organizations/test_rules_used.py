"""Every permission rule an app registers is checked somewhere: a rule nothing asks for only misleads
the next reader about who may do what."""

from pathlib import Path

from django.conf import settings

from apps.organizations.permissions import RULES

ROOT = Path(settings.BASE_DIR)


def _sources() -> str:
    files = [
        path
        for pattern in ("apps/**/*.py", "apps/**/*.html", "templates/**/*.html")
        for path in ROOT.glob(pattern)
        if path.name != "rules.py" and "migrations" not in path.parts
    ]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_every_registered_rule_is_checked_by_some_view_or_service():
    sources = _sources()
    unchecked = sorted(action for action in RULES if f'"{action}"' not in sources)
    assert unchecked == []
