"""Regenerate the README's images from the current code:

    python scripts/readme_images.py

docs/img/network.png  a screenshot (headless Chromium) of `evgraph viz --cancer "breast cancer" --top 8 --bootstrap 50`,
                      hsa-miR-122-5p selected in the table
docs/img/rank.png     `evgraph plot rank --top 15 --bootstrap 100 --random-seed 1`
docs/img/flow.png     `evgraph plot flow --top 30`
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"


def evgraph(*args):
    subprocess.run([sys.executable, "-m", "evgraph", *args], check=True)


def main():
    from playwright.sync_api import sync_playwright

    IMG.mkdir(parents=True, exist_ok=True)
    evgraph("plot", "rank", "--out", str(IMG / "rank.png"), "--top", "15", "--bootstrap", "100",
            "--random-seed", "1", "--dpi", "150")
    evgraph("plot", "flow", "--out", str(IMG / "flow.png"), "--top", "30", "--dpi", "120")
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "network.html"
        evgraph("viz", "--out", str(page_file), "--cancer", "breast cancer", "--top", "8", "--bootstrap", "50",
                "--random-seed", "1")
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 850})
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=60_000)
            page.click("#evg-table tr[data-target='hsa-miR-122-5p']")
            page.evaluate("window.evgraph.network.fit({animation: false})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(IMG / "network.png"))
            browser.close()
    print("wrote", *sorted(p.name for p in IMG.iterdir()))


if __name__ == "__main__":
    main()
