"""Free text typed by staff or the public: trimmed, required where it must be, never longer
than a limit (so a pasted novel is refused with a clear code, not stored), never holding
a NUL character (PostgreSQL refuses it in any text; no honest input holds one), and never
holding a CPR number (`cpr_in_free_text`: a CPR number lives only in the health journal's
CPR field, encrypted; the detector is stofrum/cpr_shape.py). Text from the public is not
refused for that: its CPR numbers are masked (`mask_cpr`) before it is kept.

The limits live here, once: the services check them (`clean_text`), the API schemas declare
them (`ApiText`, so the OpenAPI document shows them) and the forms use the same numbers.
"""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from stofrum.cpr_shape import has_cpr
from stofrum.errors import InvalidInput

NOTE_MAX = 2000
LONG_TEXT_MAX = 10000
SHORT_TEXT_MAX = 200
# Ids, person codes, slugs, code-list codes and usernames given as text.
KEY_MAX = 150
# Suggestions, complaints and their answers.
COMPLAINT_MAX = 5000
# A person's alias (kaldenavn).
ALIAS_MAX = 80
# A drawn signature as a data URL (PNG): a generous bound for a small canvas.
SIGNATURE_MAX = 300_000


def has_nul(value) -> bool:
    """Whether a text (or any text inside a list or dict) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def ApiText(max_length: int):  # noqa: N802 - reads as a type in a schema
    """A string field of an API schema: at most `max_length` characters, no NUL."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


def _key(value: str) -> str:
    if len(value) > KEY_MAX or "\x00" in value:
        raise ValueError("not a valid id, code or name")
    return value


# An id, code, slug or name: a malformed one is `invalid_input` (never `text_too_long`).
Key = Annotated[str, AfterValidator(_key), Field(json_schema_extra={"maxLength": KEY_MAX})]
ShortText = ApiText(SHORT_TEXT_MAX)
Note = ApiText(NOTE_MAX)
LongText = ApiText(LONG_TEXT_MAX)
Alias = ApiText(ALIAS_MAX)
ComplaintText = ApiText(COMPLAINT_MAX)
Signature = ApiText(SIGNATURE_MAX)


def refuse_cpr(text: str, field: str) -> str:
    """`text`, or `cpr_in_free_text` (HTTP 400) naming `field` when it holds a CPR-shaped
    number. The refusal says nothing of the number (it is not logged or audited either)."""
    if has_cpr(text):
        raise InvalidInput("cpr_in_free_text", field=field)
    return text


def clean_text(value, field: str, *, max_length: int = NOTE_MAX,
               required: bool = False) -> str:
    """The trimmed text, or `text_required` / `text_too_long` / `invalid_input` /
    `cpr_in_free_text` (HTTP 400) naming `field`."""
    text = str(value or "").strip()
    if "\x00" in text:
        raise InvalidInput("invalid_input", field=field)
    if required and not text:
        raise InvalidInput("text_required", field=field)
    if len(text) > max_length:
        raise InvalidInput("text_too_long", field=field, max_length=max_length)
    return refuse_cpr(text, field)
