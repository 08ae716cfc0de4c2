"""The shipped .streamlit/config.toml keeps the safe defaults the docs promise."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from privacy.loading import MAX_UPLOAD_BYTES

CONFIG_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict:
    with CONFIG_PATH.open("rb") as config_file:
        return tomllib.load(config_file)


def test_server_listens_on_this_machine_only(settings):
    assert settings["server"]["address"] == "127.0.0.1"


def test_upload_limit_matches_the_loader_limit(settings):
    # Streamlit counts maxUploadSize in megabytes of 1024 * 1024 bytes.
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


def test_cross_site_request_forgery_protection_is_on(settings):
    assert settings["server"]["enableXsrfProtection"] is True


def test_cross_origin_requests_are_refused(settings):
    assert settings["server"]["enableCORS"] is True


def test_usage_statistics_are_not_sent(settings):
    assert settings["browser"]["gatherUsageStats"] is False


def test_error_details_are_hidden_from_users(settings):
    assert settings["client"]["showErrorDetails"] == "none"


def test_every_setting_is_a_known_streamlit_option(settings):
    known = set(streamlit_config._config_options_template)
    written = {
        f"{section}.{name}" for section, values in settings.items() for name in values
    }
    assert written - known == set()


def test_no_secret_is_kept_in_the_shared_config(settings):
    server = settings.get("server", {})
    assert "cookieSecret" not in server
    assert "auth" not in settings
