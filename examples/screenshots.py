"""The pictures of the web UI in docs/ (shown in the README): the demo office `make run` serves (`duban demo`
on the sample plans), served by `duban serve`, photographed by Debian's Chromium through Playwright, as of
2024-11-30 so the plan is mid-way: the office on a 1366×768 laptop, the liaison on a 390×844 phone. Chinese is
drawn with the fonts-wqy-microhei package `make system` installs.

    .venv/bin/python examples/screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
AS_OF = "as_of=2024-11-30"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PASSWORD = "screenshot-pass"
SHOTS = [  # (file, login, address, phone?)
    ("web_inbox.png", "office", f"/inbox?{AS_OF}", False),
    ("web_overview.png", "office", f"/overview?{AS_OF}", False),
    ("web_ledger.png", "office", f"/ledger?{AS_OF}&colour=red", False),
    ("web_task.png", "office", "/tasks/{task}?" + AS_OF, False),
    ("web_review.png", "office", "/documents/uploads/{upload}", False),
    ("web_rounds.png", "office", "/rounds/{round}?" + AS_OF, False),
    ("web_assessment.png", "office", "/assessment?start=2024-01-01&end=2024-11-30", False),
    ("web_leader.png", "leader", "/leader?" + AS_OF, False),
    ("web_unit_phone.png", "liaison", "{unit}", True),
]


def duban(*args: str, env: dict) -> str:
    return subprocess.run([sys.executable, "-m", "duban", *args], env=env, check=True, capture_output=True,
                          text=True).stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DUBAN_DATA_DIR": tmp, "DUBAN_TODAY": AS_OF.removeprefix("as_of=")}
        env.pop("DUBAN_DATABASE_URL", None)
        duban("demo", *map(str, sorted((ROOT / "examples" / "seeds").glob("*.txt"))), env=env)
        for login in ("office", "liaison", "leader"):
            duban("user", "passwd", login, "--password", PASSWORD, "--no-must-change", env=env)
        server = subprocess.Popen([sys.executable, "-m", "duban", "serve", "--port", "8799"], env=env)
        try:
            base = "http://127.0.0.1:8799"
            for _ in range(200):
                try:
                    httpx.get(f"{base}/api/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            shoot(base)
        finally:
            server.terminate()
            server.wait(10)


def sign_in(browser, base: str, login: str, phone: bool):
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True} if phone else {
        "viewport": {"width": 1366, "height": 768}}
    page = browser.new_context(locale="zh-CN", device_scale_factor=1, **options).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("登录名").fill(login)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def shoot(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        office = sign_in(browser, base, "office", False)
        ledger = office.request.get(f"{base}/api/ledger?{AS_OF}&colour=red").json()
        rounds = office.request.get(f"{base}/api/bulletins").json()
        office.goto(f"{base}/documents")
        office.locator("#upload-file").set_input_files(ROOT / "examples" / "seeds" / "000_35b69cd14d6299ec.txt")
        office.get_by_role("button", name="上传并复核").click()
        office.wait_for_url(f"{base}/documents/uploads/*")
        values = {"task": ledger["rows"][0]["id"], "upload": office.url.rsplit("/", 1)[-1].split("?")[0],
                  "round": next(r["id"] for r in rounds["rounds"] if r["name"] == "2024年11月")}
        pages = {"office": office, "liaison": sign_in(browser, base, "liaison", True)}
        values["unit"] = pages["liaison"].request.get(f"{base}/api/unit").json()["units"][0]["url"]
        for name, login, address, phone in SHOTS:
            page = pages.get(login) or pages.setdefault(login, sign_in(browser, base, login, phone))
            page.goto(base + address.format(**values))
            page.screenshot(path=DOCS / name)  # the first screen, as a person sees it
            print(f"docs/{name}")
        browser.close()


if __name__ == "__main__":
    main()
