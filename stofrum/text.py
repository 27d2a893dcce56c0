"""Free text typed by staff or the public: trimmed, required where it must be, and never
longer than a limit (so a pasted novel is refused with a clear code, not stored)."""

from stofrum.errors import InvalidInput

NOTE_MAX = 2000
LONG_TEXT_MAX = 10000
SHORT_TEXT_MAX = 200


def clean_text(value, field: str, *, max_length: int = NOTE_MAX,
               required: bool = False) -> str:
    """The trimmed text, or `text_required` / `text_too_long` (HTTP 400) naming `field`."""
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput("text_required", field=field)
    if len(text) > max_length:
        raise InvalidInput("text_too_long", field=field, max_length=max_length)
    return text
