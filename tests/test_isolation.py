"""Two sessions side by side never see each other's data, release or budget.

Each session is a separate ``AppTest`` run of ``app.py``, like two browser tabs
of two users. Data goes in through the Data page's upload widget, as a user
would put it there (AppTest keeps uploaded files in memory). A second test
checks that loading an upload and making a release writes no file at all.
"""

from __future__ import annotations

import builtins
import io
import os
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 180
APP = str(Path(__file__).resolve().parents[1] / "app.py")

# Two schools' worth of students, different in every value that could leak.
ALPHA_MARKER = "Alpha-Academy-Only"
BRAVO_MARKER = "Bravo-Institute-Only"


def _table(school: str, prefix: str, students: int) -> bytes:
    lines = ["student_id,school,grade,gender,chronically_absent"]
    for number in range(students):
        grade = 9 + number % 4
        gender = "F" if number % 2 else "M"
        absent = "yes" if number % 3 == 0 else "no"
        lines.append(f"{prefix}{number:04d},{school},{grade},{gender},{absent}")
    return ("\n".join(lines) + "\n").encode()


ALPHA = _table(ALPHA_MARKER, "A", 60)
BRAVO = _table(BRAVO_MARKER, "B", 90)


def _session_with_upload(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/data.py").run()
    at.radio(key="source").set_value("upload").run()
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error, [element.value for element in at.error]
    return at


def _make_private_release(at: AppTest) -> None:
    at.switch_page("pages/explore.py").run()
    at.radio(key="cfg_tier").set_value(2).run()
    at.radio(key="cfg_protection").set_value("differential_privacy").run()
    release_button = next(
        button for button in at.button if button.label == "Make the release"
    )
    release_button.click().run()
    assert not at.exception, at.exception


def _shown_text(at: AppTest) -> str:
    """Everything the session shows as text or in tables, on page and sidebar."""
    pieces: list[str] = []
    for kind in ("markdown", "caption", "text", "info", "warning", "error", "metric"):
        pieces.extend(str(element.value) for element in getattr(at, kind))
        pieces.extend(str(element.value) for element in getattr(at.sidebar, kind))
    pieces.extend(element.value.to_string() for element in at.dataframe)
    return "\n".join(pieces)


@pytest.fixture(scope="module")
def sessions() -> tuple[AppTest, AppTest]:
    alpha = _session_with_upload("alpha.csv", ALPHA)
    bravo = _session_with_upload("bravo.csv", BRAVO)
    _make_private_release(alpha)
    return alpha, bravo


def test_each_session_keeps_its_own_upload(sessions):
    alpha, bravo = sessions
    assert alpha.session_state["dataset"].name == "Upload: alpha.csv"
    assert bravo.session_state["dataset"].name == "Upload: bravo.csv"
    assert len(alpha.session_state["dataset"].table) == 60
    assert len(bravo.session_state["dataset"].table) == 90


def test_no_session_shows_the_other_sessions_values(sessions):
    alpha, bravo = sessions
    bravo.switch_page("pages/data.py").run()
    assert ALPHA_MARKER not in _shown_text(bravo)
    assert BRAVO_MARKER in _shown_text(bravo)

    alpha.switch_page("pages/data.py").run()
    assert BRAVO_MARKER not in _shown_text(alpha)
    assert ALPHA_MARKER in _shown_text(alpha)


def test_a_release_in_one_session_is_not_in_the_other(sessions):
    alpha, bravo = sessions
    assert "private_release" in alpha.session_state
    assert "private_release" not in bravo.session_state


def test_budget_spent_in_one_session_leaves_the_other_untouched(sessions):
    alpha, bravo = sessions
    assert float(alpha.session_state["privacy_budget"].spent) > 0
    assert "privacy_budget" not in bravo.session_state or (
        float(bravo.session_state["privacy_budget"].spent) == 0
    )


def test_a_new_session_starts_from_the_synthetic_data(sessions):
    newcomer = AppTest.from_file(APP, default_timeout=TIMEOUT)
    newcomer.run()
    assert newcomer.session_state["dataset"].kind == "synthetic"
    shown = _shown_text(newcomer)
    assert ALPHA_MARKER not in shown
    assert BRAVO_MARKER not in shown


class _WriteRecorder:
    """Record every attempt to open a file for writing, then let it proceed."""

    _WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        original_open = builtins.open
        original_os_open = os.open

        def recording_open(file, mode="r", *arguments, **keywords):
            if any(flag in mode for flag in "wax+"):
                self.paths.append(str(file))
            return original_open(file, mode, *arguments, **keywords)

        def recording_os_open(path, flags, *arguments, **keywords):
            if flags & self._WRITE_FLAGS:
                self.paths.append(str(path))
            return original_os_open(path, flags, *arguments, **keywords)

        monkeypatch.setattr(builtins, "open", recording_open)
        monkeypatch.setattr(io, "open", recording_open)
        monkeypatch.setattr(os, "open", recording_os_open)


def test_upload_and_release_write_no_file(monkeypatch, tmp_path):
    """Patch every way Python opens a file for writing, and use a fresh temp dir."""
    private_temp = tmp_path / "temp"
    private_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))
    recorder = _WriteRecorder(monkeypatch)

    at = _session_with_upload("alpha.csv", ALPHA)
    _make_private_release(at)

    assert float(at.session_state["privacy_budget"].spent) > 0
    assert recorder.paths == []
    assert list(private_temp.iterdir()) == []


def test_write_recorder_notices_a_write(monkeypatch, tmp_path):
    recorder = _WriteRecorder(monkeypatch)
    (tmp_path / "written.txt").write_text("x")
    assert recorder.paths == [str(tmp_path / "written.txt")]
