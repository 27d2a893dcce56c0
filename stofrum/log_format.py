"""Log lines cannot be forged: control characters in a record's message (a request path with
`%0A`, say) are written escaped, so that every record is one line."""

import logging
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    r"""`text` with each control character as an escape (`\n`, `\r`, `\t`, `\xNN`, `\uNNNN`)."""
    def escaped(match):
        char = match.group()
        if char in _NAMED:
            return _NAMED[char]
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _CONTROL.sub(escaped, text)


class EscapingFormatter(logging.Formatter):
    """A formatter whose message (after its arguments are filled in) has its control
    characters escaped; a traceback after it keeps its own lines."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg, safe.args = escape_controls(record.getMessage()), None
        return super().format(safe)


# From a `?` to the end, or to the ` HTTP/1.1` that ends a request line.
_QUERY = re.compile(r"\?.*?(?=(?: HTTP/\d(?:\.\d)?)?$)", re.DOTALL)


def drop_query_string(text: str) -> str:
    """`text` (a path or a request line) without its query string."""
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """Takes the query string out of a server's access line (uvicorn.access, django.server):
    a query can carry what staff typed, an alias in a search, say."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(drop_query_string(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = drop_query_string(record.msg)
        return True


def server_access_handlers(logger_name: str) -> list[str]:
    """The handlers for a server's access logger in LOGGING: the console while the server
    logs access lines, none when it was started without (uvicorn --no-access-log leaves the
    logger without handlers before Django configures logging, and uvicorn writes its lines
    only while the logger has a handler)."""
    logger = logging.getLogger(logger_name)
    if logger_name in logging.Logger.manager.loggerDict and not logger.handlers \
            and not logger.propagate:
        return []
    return ["console"]

