"""The web app for the web tests: a live server (uvicorn in a thread, on a free port, the
configuration ``lbp serve`` uses) and a headless Chromium driven by Selenium.

Browser tests are skipped only when Debian's Chromium or its driver is absent (CI installs
both: apt-get install chromium chromium-driver).
"""
from __future__ import annotations

import shutil
import threading
import time
from typing import Iterator

import pytest

from lbp_screen.web import create_app
from lbp_screen.web.server import listen, url_of, uvicorn_server
from tests import bundled

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]
WINDOW = (1280, 720)
# Long enough for the page's first screening on a slow CI machine, short enough to fail fast.
WAIT_SECONDS = 15

needs_browser = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                                   reason="no Chromium or chromedriver (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="session")
def app():
    return create_app(bundled.SERVICE)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT``, no trailing slash) of the app, running."""
    sock = listen("127.0.0.1", 0)
    server = uvicorn_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.02)
    yield url_of(sock).rstrip("/")
    server.should_exit = True
    thread.join(WAIT_SECONDS)
    sock.close()


@pytest.fixture(scope="session")
def downloads(tmp_path_factory):
    """The folder the browser saves downloads into."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(tmp_path_factory, downloads):
    """A headless Chromium whose page is 1280x720 (a fresh profile, downloads saved into
    ``downloads`` without asking), driven by Selenium."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("no Chromium or chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # The window's size includes what the browser draws around the page: the page itself
    # (the viewport, what a screenshot shows) is made WINDOW.
    driver.set_window_size(*WINDOW)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * WINDOW[0] - inner[0], 2 * WINDOW[1] - inner[1])
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture()
def wait(browser):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, WAIT_SECONDS)
