from __future__ import annotations

import logging

from config.logging import ContextFilter, LogfmtFormatter, log_context


def format_record(message: str, **extra: object) -> str:
    record = logging.LogRecord("roost.test", logging.INFO, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    ContextFilter().filter(record)
    return LogfmtFormatter().format(record)


def test_lines_carry_the_brand_event_and_message_in_context():
    with log_context(brand="acme", event="8812"), log_context(message="m-1"):
        line = format_record("event processed")
    assert "brand=acme event=8812 message=m-1" in line
    assert line.endswith('msg="event processed"')


def test_context_ends_with_its_block():
    with log_context(brand="acme"):
        pass
    assert "brand=" not in format_record("outside")


def test_values_with_spaces_and_quotes_stay_on_one_greppable_line():
    line = format_record('said "hi"\nthere', account="a b")
    assert 'account="a b"' in line
    assert "\n" not in line


def test_objects_attached_by_libraries_stay_out_of_the_line():
    line = format_record("served", request=object(), data={"secret": "x"}, status_code=200)
    assert "status_code=200" in line
    assert "object at" not in line and "secret" not in line
