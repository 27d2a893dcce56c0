"""Danish folding for alias search: case, æ/ae, ø/oe, å/aa and accents compare equal."""

import re
import unicodedata

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Søren Ålbæk' -> 'soeren aalbaek'; 'José' -> 'jose'."""
    lowered = (text or "").casefold().translate(_DANISH)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    return _NOT_WORD.sub(" ", stripped).strip()
