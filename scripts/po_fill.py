"""Fill translations into a catalogue from a JSON file, then compile it.

    uv run python scripts/po_fill.py APP|root translations.json

translations.json maps msgid to [danish, norwegian bokmål]; for a plural msgid, each of the two is a
list [singular, plural]. English catalogues are left empty (the msgid is English). Entries already
translated are overwritten only when the JSON names them.
"""

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(target: str, path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    base = ROOT / "locale" if target == "root" else ROOT / "apps" / target / "locale"
    for index, language in enumerate(["da", "nb"]):
        po_path = base / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.msgid not in data:
                continue
            value = data[entry.msgid][index]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
        missing = [e.msgid for e in po.untranslated_entries()]
        if missing:
            print(f"{po_path.relative_to(ROOT)}: {len(missing)} untranslated:", *missing[:20], sep="\n  ")
    for language in ["da", "nb", "en"]:
        po_path = base / language / "LC_MESSAGES" / "django.po"
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(po_path.with_suffix(".mo")), str(po_path)], check=True
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
