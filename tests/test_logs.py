"""Tests for privacy.logs: actions are logged, data values never are."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from privacy.exceptions import InternalError
from privacy.logs import LOGGER_NAME, log_action, safe_text, timed_action

STUDENT_NAME = "Keisha Okafor-Lindqvist"
MECHANISMS = frozenset({"laplace", "gaussian"})


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    return caplog


def test_action_is_logged_with_its_numbers(log):
    log_action("release", tier=3, k=5, rows=1000, seconds=0.2)
    assert [record.getMessage() for record in log.records] == [
        "release tier=3 k=5 rows=1000 seconds=0.2"
    ]
    assert log.records[0].name == LOGGER_NAME
    assert log.records[0].levelno == logging.INFO


def test_fields_are_attached_for_structured_handlers(log):
    log_action("release", k=5, suppressed=True)
    assert log.records[0].action == "release"
    assert log.records[0].fields == {"k": 5, "suppressed": True}


def test_numpy_numbers_are_logged_as_plain_numbers(log):
    log_action("assess", rows=np.int64(12), risk=np.float64(0.25), ok=np.bool_(True))
    assert log.records[0].getMessage() == "assess rows=12 risk=0.25 ok=True"


def test_allowed_option_value_is_logged(log):
    log_action("release", mechanism=safe_text("laplace", MECHANISMS))
    assert log.records[0].getMessage() == "release mechanism=laplace"


def test_plain_text_field_is_refused_and_never_reaches_the_log(log):
    with pytest.raises(InternalError, match="'student' of action 'release' is a str"):
        log_action("release", student=STUDENT_NAME)
    assert log.records == []


def test_refusal_message_does_not_echo_the_value():
    with pytest.raises(InternalError) as raised:
        log_action("release", student=STUDENT_NAME)
    assert STUDENT_NAME not in str(raised.value)


@pytest.mark.parametrize(
    "value",
    [b"100231", ["100231"], {"name": "x"}, np.str_("Ann")],
    ids=["bytes", "list", "dict", "numpy-text"],
)
def test_non_numeric_values_are_refused(value, log):
    with pytest.raises(InternalError, match="only numbers, booleans, None"):
        log_action("release", value=value)
    assert log.records == []


def test_text_outside_the_allow_list_is_refused():
    with pytest.raises(InternalError, match="outside the allowed options"):
        safe_text(STUDENT_NAME, MECHANISMS)


def test_allow_list_holding_free_text_still_refuses_it():
    with pytest.raises(InternalError, match="must be short identifiers"):
        safe_text(STUDENT_NAME, {STUDENT_NAME})


def test_action_must_be_an_identifier():
    with pytest.raises(InternalError, match="lower-case identifier"):
        log_action(f"upload {STUDENT_NAME}")


def test_timed_action_adds_the_seconds(log):
    with timed_action("assess", rows=3):
        pass
    assert log.records[0].fields["rows"] == 3
    assert log.records[0].fields["seconds"] >= 0


def test_timed_action_logs_nothing_when_the_block_fails(log):
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        with timed_action("assess", rows=3):
            _ = 1 / 0
    assert log.records == []
