"""Danish folding for alias search: case, æ/ae, ø/oe, å/aa and accents compare equal."""

import re
import unicodedata

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ß": "ss"})
# How people type Danish letters on a keyboard without them: ø as o, å as a, æ as a.
_LOOSE = str.maketrans({"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Søren Ålbæk' -> 'soeren aalbaek'; 'José' -> 'jose'."""
    return _fold(text, _DANISH)


def fold_loose(text: str) -> str:
    """'Søren Ålbæk' -> 'soren albak': a second key so that 'sor' still finds Søren."""
    return _fold(text, _LOOSE)


def _fold(text: str, table) -> str:
    lowered = (text or "").casefold().translate(table)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    return _NOT_WORD.sub(" ", stripped).strip()
