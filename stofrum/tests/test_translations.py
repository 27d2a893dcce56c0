"""Danish first: every user-facing string has a Danish translation, and the compiled
catalogue that Django loads is the one in the .po file."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

PO = Path(settings.BASE_DIR) / "stofrum" / "locale" / "da" / "LC_MESSAGES" / "django.po"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    text = "".join(re.match(r'^\s*"(.*)"\s*$', line).group(1) for line in lines)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def po_entries():
    """(msgid, msgstr, flags) for each singular entry without context, header excluded."""
    entries, block = [], []
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            entries.append(block)
        block = []
    result = []
    for block in entries:
        flags = " ".join(line for line in block if line.startswith("#,"))
        if any(line.startswith(("msgctxt", "msgid_plural")) for line in block):
            continue
        keys = [i for i, line in enumerate(block) if line.startswith(("msgid", "msgstr"))]
        if len(keys) != 2:
            continue
        msgid = _unquote([block[keys[0]][5:]] + block[keys[0] + 1:keys[1]])
        msgstr = _unquote([block[keys[1]][6:]] + block[keys[1] + 1:])
        if msgid:
            result.append((msgid, msgstr, flags))
    return result


def test_every_string_has_a_danish_translation():
    entries = po_entries()
    assert len(entries) > 50
    missing = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert missing == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    with translation.override("da"):
        stale = [
            msgid for msgid, msgstr, _ in po_entries()
            if "%" not in msgid and translation.gettext(msgid) != msgstr
        ]
    assert stale == [], "run `make messages` to recompile the catalogue"
