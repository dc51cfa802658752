"""Headless Chromium for the page tests (Debian package `chromium`, driven by Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-extensions"]


def _require() -> bool:
    return os.environ.get("EVGRAPH_REQUIRE_BROWSER", "") not in ("", "0", "false")


@pytest.fixture(scope="session")
def chromium():
    exe = os.environ.get("EVGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    reason = None
    if exe is None:
        reason = "browser tests need Chromium (apt-get install chromium, or set EVGRAPH_CHROMIUM)"
    elif sync_playwright is None:
        reason = "browser tests need the playwright package (pip install -e '.[test]')"
    if reason:
        if _require():
            pytest.fail(reason + " (EVGRAPH_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A page with its console errors, dialogs and every request it made."""

    def __init__(self, browser, url):
        self.errors, self.dialogs, self.requests = [], [], []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)

    def js(self, expr):
        return self.page.evaluate(expr)

    def node_xy(self, node_id):
        """Where a node is drawn, in page coordinates."""
        return self.page.evaluate(
            "(id) => { const n = window.evgraph.network; const d = n.canvasToDOM(n.getPositions([id])[id]);"
            " const r = document.getElementById('evg-network').getBoundingClientRect();"
            " return [r.left + d.x, r.top + d.y]; }", node_id)

    def close(self):
        self.page.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
