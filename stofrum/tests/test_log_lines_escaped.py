"""A log record is one line: control characters in its message or its arguments (a request
path with %0A, say) are escaped by the configured formatter, so no line can be forged."""

import logging

import pytest


@pytest.fixture
def formatter():
    return logging.getHandlerByName("console").formatter


def test_a_message_with_newlines_is_one_line(formatter):
    record = logging.makeLogRecord({
        "name": "stofrum.access", "levelno": logging.INFO, "levelname": "INFO",
        "msg": "GET %s 200\r\nforged", "args": ("/staff/\n2026-12-01 INFO fake\x1b[2J",)})

    line = formatter.format(record)

    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "/staff/\\n2026-12-01 INFO fake\\x1b[2J 200\\r\\nforged" in line


def test_a_request_path_with_an_encoded_newline_logs_one_line(client, sites, caplog, formatter):
    with caplog.at_level(logging.INFO, logger="stofrum.access"):
        client.get("/staff/x%0A2026-12-01 00:00:00 INFO stofrum.access GET /forged 200")
    (record,) = [r for r in caplog.records if r.name == "stofrum.access"]

    line = formatter.format(record)

    assert "\n" not in line and "x\\n2026-12-01" in line
