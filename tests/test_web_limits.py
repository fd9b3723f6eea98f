"""A real `duban serve` process under every bomb of tests/bombs.py: each is refused with a message, other
users are served all the while, and the server's peak memory stays under 500 MiB (read from
/proc/PID/status, VmHWM). A body over the limit is refused before anyone is signed in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx
import pytest

from . import bombs
from .web import PASSWORD, ROLE_LOGINS, copy_site

MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(database_url: str, folder: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real `duban serve` process on the database, with `args` (such as --workers 2); its address."""
    port = free_port()
    env = {**os.environ, "DUBAN_DATABASE_URL": database_url, "DUBAN_DATA_DIR": str(folder / "data")}
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "duban", "serve", "--port", str(port), *args], env=env,
                                stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/api/health").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"duban serve did not start: {log.read_text()[-2000:]}")
    try:
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(scope="module")
def server(web_template, tmp_path_factory):
    template, ids = web_template
    folder = tmp_path_factory.mktemp("served")
    copy_site(template, folder, ids).engine.dispose()
    with serving(f"sqlite:///{folder / 'web.sqlite3'}", folder) as (url, proc):
        yield url, proc, ids


def signed_in(url: str, role: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=url, timeout=120)
    token = c.get("/api/csrf").json()["csrf"]
    r = c.post("/api/login", data={"login": ROLE_LOGINS[role], "password": PASSWORD}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return c, c.cookies.get("duban_csrf") or token


def peak_mib(proc) -> float:
    status = Path(f"/proc/{proc.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


class Watcher(threading.Thread):
    """Another user, asking for a page every tenth of a second while the bombs go off."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.answers, self.stop = url, [], threading.Event()

    def run(self):
        with httpx.Client(base_url=self.url, timeout=30) as c:
            while not self.stop.is_set():
                try:
                    self.answers.append(c.get("/public").status_code)
                except httpx.TransportError as e:
                    self.answers.append(repr(e))
                time.sleep(0.1)


DOCUMENT_BOMBS = [("huge.docx", lambda: bombs.huge_docx(64)), ("laughs.docx", bombs.entity_docx),
                  ("pages.pdf", lambda: bombs.pdf(120_000)), ("inflating.pdf", bombs.inflating_pdf)]
SHEET_BOMBS = [("strings.xlsx", lambda: bombs.xlsx(3_000_000)), ("rows.xlsx", lambda: bombs.xlsx(0, rows=1_000_000))]


def test_every_bomb_is_refused_while_others_are_served(server):
    url, proc, ids = server
    watcher = Watcher(url)
    watcher.start()
    office, office_token = signed_in(url, "office_admin")
    liaison, liaison_token = signed_in(url, "unit")
    answers = {}
    for name, make in DOCUMENT_BOMBS:
        r = office.post("/api/documents/upload", files={"file": (name, make())}, headers={"X-CSRF-Token": office_token})
        answers[name] = (r.status_code, r.json()["error"])
    for name, make in SHEET_BOMBS:
        r = liaison.post(f"/api/units/{quote(ids.unit, safe='')}/returns", files={"file": (name, make())},
                         headers={"X-CSRF-Token": liaison_token})
        answers[name] = (r.status_code, r.json()["error"])
    watcher.stop.set()
    watcher.join()
    assert all(status == 400 and name in error and ("上限" in error or "DOCTYPE" in error)
               for name, (status, error) in answers.items()), answers
    assert watcher.answers and set(watcher.answers) == {200}
    print(f"server peak RSS after every bomb: {peak_mib(proc):.0f} MiB")
    assert peak_mib(proc) < 500
    assert office.get("/api/overview").status_code == 200
    office.close()
    liaison.close()


def raw_post(url: str, headers: str, body: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(headers.encode() + body)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        return answer


def test_a_500_mb_body_is_refused_before_sign_in(server):
    url, proc, _ = server
    head = ("POST /api/documents/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {500 * MIB}\r\n\r\n")
    answer = raw_post(url, head, b"--b\r\n" + b"x" * MIB)
    assert answer.startswith(b"HTTP/1.1 413") and "超过 50 MB".encode() in answer


def test_a_chunked_body_is_cut_off_at_the_limit(server):
    url, proc, _ = server
    chunks = [b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'] + [b"x" * MIB] * 60
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    head = ("POST /api/documents/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    answer = raw_post(url, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert peak_mib(proc) < 500
