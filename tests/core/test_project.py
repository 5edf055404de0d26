"""Project hygiene that users notice indirectly: migrations match models, catalogues are complete."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _catalogues():
    return sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po")) + sorted(
        ROOT.glob("apps/*/locale/*/LC_MESSAGES/django.po")
    )


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    import polib

    po = polib.pofile(str(po_path))
    language = po_path.parent.parent.name
    if language != "en":
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
        assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
            f"{mo_path} is stale: {entry.msgid}"
        )


def test_every_catalogue_exists_for_every_language():
    for app_dir in sorted((ROOT / "apps").iterdir()):
        if not (app_dir / "locale").is_dir() or not any(app_dir.glob("**/*.py")):
            continue
        if not any(app_dir.glob("locale/*/LC_MESSAGES/django.po")):
            continue
        for language in ("da", "nb", "en"):
            assert (app_dir / "locale" / language / "LC_MESSAGES" / "django.po").exists(), (app_dir, language)


def _msgids(po_path: Path) -> set[tuple[str | None, str]]:
    import polib

    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if not e.obsolete}


def test_catalogues_hold_every_string_the_code_marks_for_translation(tmp_path):
    """makemessages over a copy of the code finds no string the catalogues lack and none they keep for
    nothing: a marked string missing from a catalogue would reach Danish and Norwegian users in English."""
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.mo", "static")
    for name in ("apps", "templates", "strategy_portal", "locale", "scripts"):
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    (copy / "tests").mkdir()
    for name in ("__init__.py", "settings.py"):
        shutil.copy2(ROOT / "tests" / name, copy / "tests" / name)
    env = {**os.environ, "DJANGO_ADMIN": f"{sys.executable} -m django"}
    result = subprocess.run(
        ["bash", "scripts/messages.sh"], cwd=copy, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    problems = []
    for po_path in _catalogues():
        relative = po_path.relative_to(ROOT)
        ours, fresh = _msgids(po_path), _msgids(copy / relative)
        if missing := sorted(fresh - ours, key=str):
            problems.append(f"{relative} lacks {missing[:5]}: run scripts/messages.sh and translate")
        if stale := sorted(ours - fresh, key=str):
            problems.append(f"{relative} keeps strings the code no longer has: {stale[:5]}")
    assert not problems, "\n".join(problems)


def test_translation_functions_keep_names_makemessages_finds():
    """xgettext only extracts calls of ``_``, ``gettext`` and its siblings: a string passed to an alias
    such as ``_g`` never reaches the catalogues and is shown in English to everyone."""
    import re

    alias = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?) as (?!_\b)(\w+)")
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("apps", "strategy_portal")
        for path in (ROOT / folder).rglob("*.py")
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


def test_english_dates_read_day_before_month_on_a_24_hour_clock():
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    moment = datetime.datetime(2026, 3, 12, 14, 5)
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date }}|{{ d|time }}')
    with translation.override("en"):
        assert template.render(Context({"d": moment})) == "12.03.2026|12 March 2026|14:05"
    with translation.override("da"):
        assert template.render(Context({"d": moment})) == "12.03.2026|12. marts 2026|14:05"


def test_svg_lengths_in_templates_are_never_localized():
    """Danish and Norwegian write 60,8: as an SVG length that is no length, and the bar is not drawn.
    Every template value in an SVG coordinate goes through ``unlocalize`` or sits in ``localize off``."""
    import re

    lengths = re.compile(r'\b(?:x|y|x1|x2|y1|y2|dx|dy|width|height|viewBox|cx|cy|r)="([^"]*\{\{[^"]*)"')
    problems = []
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")]):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{% localize off %\}.*?\{% endlocalize %\}", "", text, flags=re.S)
        for svg in re.findall(r"<svg.*?</svg>", text, flags=re.S):
            for value in lengths.findall(svg):
                for expression in re.findall(r"\{\{(.*?)\}\}", value):
                    if "unlocalize" not in expression:
                        problems.append(f"{path.relative_to(ROOT)}: {{{{{expression}}}}}")
    assert not problems, problems
