"""The app served by ``solara run`` as the README's main command does, and Debian's Chromium.

The server's CDN address points nowhere, and the browser refuses every request that does not
go to the server: a page that needs the internet for anything fails these tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from migmodel.views.server import CHROMIUM, CHROMIUM_ARGS, serve

# Starting fresh runs (ten models in ensemble mode) takes seconds on a busy 2-core machine:
# wait for what the page must show for up to 30 s rather than Playwright's 5 s.
expect.set_options(timeout=30_000)
CLASS_DIR = "MIGMODEL_CLASS_DIR"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve ``app.py`` on a free local port for the whole test session.

    Worksheets handed in go to a temporary folder, not the repository's ``results/``.
    """
    folder = tmp_path_factory.mktemp("app")
    before = os.environ.get(CLASS_DIR)
    os.environ[CLASS_DIR] = str(folder / "classes")  # the server inherits it
    try:
        with serve(folder / "solara.log") as url:
            yield url
    finally:
        if before is None:
            os.environ.pop(CLASS_DIR, None)
        else:
            os.environ[CLASS_DIR] = before


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (``make test`` installs it)."""
    path = shutil.which("chromium") or CHROMIUM
    if not Path(path).exists():
        pytest.fail("the browser tests need Chromium: run `bash scripts/setup.sh --browser`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A browser tab on the app that may not reach anything but the app's server."""

    def __init__(
        self, browser: Browser, url: str, width: int = 1400, height: int = 1000, **options
    ) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.page: Page = self.context.new_page()
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []  # the page's console errors and uncaught exceptions
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}")
        )
        self.page.goto(url)
        self.page.wait_for_selector(".migmodel-map canvas", timeout=60_000)
        self.page.wait_for_selector(".migmodel-charts canvas", timeout=60_000)

    def _route(self, route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def date(self) -> str:
        """The date the page shows."""
        return self.page.locator(".migmodel-date").inner_text()

    def close(self) -> None:
        """Close the tab."""
        self.context.close()


@pytest.fixture
def new_tab(browser: Browser, app_url: str) -> Iterator[Callable[..., OfflinePage]]:
    """Open fresh browser sessions on the app (each its own browser context)."""
    tabs: list[OfflinePage] = []

    def open_tab(path: str = "", **options) -> OfflinePage:
        tabs.append(OfflinePage(browser, app_url + path, **options))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.close()


@pytest.fixture
def app(new_tab: Callable[..., OfflinePage]) -> OfflinePage:
    """A fresh browser session on the app."""
    return new_tab()
