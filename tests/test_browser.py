"""End to end in a real browser: Playwright driving Debian's chromium.

The test starts the app with ``streamlit run`` on a free loopback port, opens it
in headless chromium, switches tiers, moves k, and downloads the
configuration. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

REPOSITORY = Path(__file__).resolve().parents[1]
ARTIFACTS = REPOSITORY / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a machine whose only network is loopback: without them chromium
# keeps trying to reach update and sync services.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/test.sh installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--server.headless=true",
        ],
        cwd=REPOSITORY,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the app did not start within 60 s")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": 1400, "height": 2600}, accept_downloads=True
        )
        tab = context.new_page()
        tab.set_default_timeout(300_000)
        tab.goto(app_url)
        yield tab
        browser.close()


def _idle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def test_overview_opens_on_the_synthetic_population(page):
    page.get_by_role("heading", name="Boston data-sharing tradeoff explorer").wait_for()
    _idle(page)
    page.get_by_text("Synthetic BPS population").first.wait_for()
    page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)


def test_switch_tiers_and_move_k(page):
    page.get_by_role("link", name="Risk and utility").click()
    page.get_by_role("heading", name="Risk and utility").wait_for()
    _idle(page)
    page.get_by_text("1. Current state: non-personal, essential data").click()
    _idle(page)
    page.get_by_text("Highest risk in a published cell").wait_for()

    page.get_by_text("3. Complete non-sensitive personally identifiable data").click()
    _idle(page)
    page.get_by_text("k achieved").wait_for()
    slider = page.get_by_role("slider").first
    before = slider.input_value()
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    after = slider.input_value()
    assert int(after) == int(before) + 5

    # The figures follow once the app has run with the new k.
    k_achieved = page.locator("[data-testid='stMetricValue']").first
    deadline = time.monotonic() + 300
    try:
        while int(k_achieved.inner_text().replace(",", "")) < int(after):
            assert time.monotonic() < deadline, "k achieved never reached the new k"
            page.wait_for_timeout(500)
    except Exception:
        # Keep what the page showed, to see why.
        page.screenshot(path=ARTIFACTS / "failure-move-k.png", full_page=True)
        raise
    _idle(page)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    page.screenshot(path=ARTIFACTS / "risk-and-utility.png", full_page=True)


def test_download_the_configuration(page):
    page.get_by_role("link", name="Export and reload").click()
    page.get_by_role("heading", name="Export and reload").wait_for()
    _idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the configuration (JSON)").click()
    path = download_info.value.path()
    configuration = json.loads(Path(path).read_text())
    assert configuration["tier"]["tier"] == 3
    assert configuration["tier"]["k"] == 10
    assert configuration["input"]["origin"]["builtin"] == "synthetic"
    assert len(configuration["input"]["sha256"]) == 64
    page.screenshot(path=ARTIFACTS / "export.png", full_page=True)


def test_compare_tiers_draws_every_tier(page):
    page.get_by_role("link", name="Compare tiers").click()
    page.get_by_text("What each future state can and cannot answer").wait_for()
    _idle(page)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    for tier in ("1. Current state", "2. Aggregated, DP", "4. Research"):
        assert page.get_by_text(tier).count() >= 1
    page.screenshot(path=ARTIFACTS / "compare-tiers.png", full_page=True)
