"""Tests for ``python -m privacy decrypt``."""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from privacy.cli import decrypt
from privacy.exceptions import InputError
from privacy.export import encrypt_bytes

PASSPHRASE = "correct horse battery"
RELEASE = b"school,count\nMather,41\n"
REPOSITORY = Path(__file__).resolve().parents[1]


def _arguments(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m privacy")
    decrypt.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["decrypt", *argv])


@pytest.fixture
def sealed(tmp_path):
    path = tmp_path / "release.csv.enc"
    path.write_bytes(encrypt_bytes(RELEASE, PASSPHRASE))
    return path


def test_passphrase_from_environment_decrypts_to_the_output(
    sealed, tmp_path, monkeypatch
):
    monkeypatch.setenv("RELEASE_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "release.csv"
    arguments = _arguments(
        str(sealed), "--out", str(out), "--passphrase-env", "RELEASE_PASSPHRASE"
    )
    assert arguments.handler(arguments) == 0
    assert out.read_bytes() == RELEASE


def test_passphrase_is_asked_without_echo_when_no_variable_is_named(
    sealed, tmp_path, monkeypatch
):
    monkeypatch.setattr(getpass, "getpass", lambda prompt: PASSPHRASE)
    out = tmp_path / "release.csv"
    arguments = _arguments(str(sealed), "--out", str(out))
    assert arguments.handler(arguments) == 0
    assert out.read_bytes() == RELEASE


def test_output_is_readable_by_its_owner_only(sealed, tmp_path, monkeypatch):
    monkeypatch.setenv("RELEASE_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "release.csv"
    arguments = _arguments(
        str(sealed), "--out", str(out), "--passphrase-env", "RELEASE_PASSPHRASE"
    )
    arguments.handler(arguments)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_existing_output_is_not_overwritten_without_force(
    sealed, tmp_path, monkeypatch
):
    monkeypatch.setenv("RELEASE_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "release.csv"
    out.write_bytes(b"keep me")
    arguments = _arguments(
        str(sealed), "--out", str(out), "--passphrase-env", "RELEASE_PASSPHRASE"
    )
    with pytest.raises(InputError, match=r"already exists.*--force"):
        arguments.handler(arguments)
    assert out.read_bytes() == b"keep me"


def test_force_overwrites_the_output(sealed, tmp_path, monkeypatch):
    monkeypatch.setenv("RELEASE_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "release.csv"
    out.write_bytes(b"old")
    arguments = _arguments(
        str(sealed),
        "--out",
        str(out),
        "--passphrase-env",
        "RELEASE_PASSPHRASE",
        "--force",
    )
    arguments.handler(arguments)
    assert out.read_bytes() == RELEASE


def test_unset_passphrase_variable_is_named(sealed, tmp_path, monkeypatch):
    monkeypatch.delenv("RELEASE_PASSPHRASE", raising=False)
    arguments = _arguments(
        str(sealed),
        "--out",
        str(tmp_path / "o.csv"),
        "--passphrase-env",
        "RELEASE_PASSPHRASE",
    )
    with pytest.raises(InputError, match=r"'RELEASE_PASSPHRASE' .* is not set"):
        arguments.handler(arguments)


def test_wrong_passphrase_writes_nothing(sealed, tmp_path, monkeypatch):
    monkeypatch.setenv("RELEASE_PASSPHRASE", "not the passphrase")
    out = tmp_path / "release.csv"
    arguments = _arguments(
        str(sealed), "--out", str(out), "--passphrase-env", "RELEASE_PASSPHRASE"
    )
    with pytest.raises(InputError, match="Wrong passphrase"):
        arguments.handler(arguments)
    assert not out.exists()


def test_missing_input_file_is_named(tmp_path):
    arguments = _arguments(str(tmp_path / "absent.enc"), "--out", "x.csv")
    with pytest.raises(InputError, match=r"No file at .*absent\.enc"):
        arguments.handler(arguments)


def test_command_line_exits_with_status_2_and_one_line_on_a_wrong_passphrase(
    sealed, tmp_path
):
    missing = [
        name
        for name in ("assess", "synth", "anonymize", "table")
        if importlib.util.find_spec(f"privacy.cli.{name}") is None
    ]
    if missing:
        pytest.skip(f"other subcommands not present yet: {', '.join(missing)}")

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "privacy",
            "decrypt",
            str(sealed),
            "--out",
            str(tmp_path / "o.csv"),
            "--passphrase-env",
            "RELEASE_PASSPHRASE",
        ],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env={"RELEASE_PASSPHRASE": "wrong passphrase", "PATH": ""},
        check=False,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("python -m privacy decrypt: error: Wrong")


def test_decrypt_commands_in_the_readme_parse():
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    commands = [
        line.split()[4:]
        for line in readme.splitlines()
        if line.startswith("python -m privacy decrypt ")
    ]
    assert commands, "the README shows no decrypt command"
    for argv in commands:
        assert _arguments(*argv).handler is decrypt.run
