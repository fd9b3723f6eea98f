"""deploy/: every command the units, the Dockerfile and the compose file run is a real duban command with
options it takes; the units pass systemd-analyze and the compose file `docker compose config` where those
tools are installed; the image installs what the Makefile says the app needs at run time."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
import yaml

from duban.cli import app

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def parses(argv: list[str]) -> str:
    """`argv` (after the program) parsed by duban's own command line, as it would be run; the command's path.
    Raises click's UsageError for an unknown command or option."""
    command = typer.main.get_command(app)
    ctx = command.make_context("duban", list(argv), resilient_parsing=False)
    names = []
    while hasattr(command, "resolve_command") and (left := [*ctx._protected_args, *ctx.args]):
        name, command, rest = command.resolve_command(ctx, left)
        names.append(name)
        ctx = command.make_context(name, rest, parent=ctx)
    return " ".join(names)


def unit(path: Path) -> configparser.ConfigParser:
    found = configparser.ConfigParser(interpolation=None, strict=False)
    found.optionxform = str  # systemd's keys are case-sensitive
    found.read(path, encoding="utf-8")
    return found


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_a_duban_command_as_the_duban_user(path):
    service = unit(path)["Service"]
    program, *argv = shlex.split(service["ExecStart"])
    assert program == "/opt/duban/.venv/bin/duban" and parses(argv) in ("serve", "worker", "run-jobs")
    assert (service["User"], service["EnvironmentFile"]) == ("duban", "/etc/duban/duban.env")


def test_the_env_file_names_the_data_folder_and_the_database():
    text = (DEPLOY / "duban.env").read_text(encoding="utf-8")
    assert re.search(r"^DUBAN_DATA_DIR=/var/lib/duban$", text, re.M) and "#DUBAN_DATABASE_URL=postgresql://" in text


def test_the_timer_starts_the_one_shot_jobs():
    assert unit(DEPLOY / "duban-jobs.timer")["Timer"]["OnCalendar"] and unit(DEPLOY / "duban-jobs.service")[
        "Service"]["Type"] == "oneshot"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """The units as installed, with ExecStart pointing at this checkout's duban (verify wants it to exist)."""
    for path in [*UNITS, DEPLOY / "duban-jobs.timer"]:
        text = path.read_text(encoding="utf-8").replace("/opt/duban/.venv/bin/duban", str(Path(sys.executable).parent / "duban"))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *sorted(p.name for p in tmp_path.iterdir())],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_serve_and_worker_on_the_postgres_service():
    services = compose()["services"]
    assert services["db"]["image"] == "postgres:15" and set(services) == {"web", "worker", "db"}
    for name, command in (("web", "serve"), ("worker", "worker")):
        s = services[name]
        assert s["command"][0] == "duban" and parses(s["command"][1:]) == command
        assert re.fullmatch(r"postgresql://duban:\$\{POSTGRES_PASSWORD:-duban\}@db:5432/duban",
                            s["environment"]["DUBAN_DATABASE_URL"])
        assert "data:/var/lib/duban" in s["volumes"] and s["depends_on"]["db"]["condition"] == "service_healthy"


def docker_compose() -> bool:
    return bool(shutil.which("docker")) and subprocess.run(
        ["docker", "compose", "version"], capture_output=True, timeout=60).returncode == 0


@pytest.mark.skipif(not docker_compose(), reason="docker compose is not installed")
def test_docker_compose_accepts_the_compose_file():
    done = subprocess.run(["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["services"]["web"]["command"][:2] == ["duban", "serve"]


def docker_daemon() -> bool:
    return bool(shutil.which("docker")) and subprocess.run(["docker", "info"], capture_output=True,
                                                           timeout=60).returncode == 0


@pytest.mark.skipif(os.environ.get("CI") != "true" or not docker_daemon(), reason="built in CI where docker runs")
def test_the_image_builds_and_answers_its_version():
    built = subprocess.run(["docker", "build", "-q", "--build-arg", "LIBREOFFICE=0", "-f", str(DEPLOY / "Dockerfile"),
                            str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stderr[-2000:]
    image = built.stdout.strip()
    ran = subprocess.run(["docker", "run", "--rm", image, "duban", "--version"], capture_output=True, text=True)
    assert ran.returncode == 0 and ran.stdout.startswith("duban "), ran.stderr


def test_the_image_installs_the_lock_and_the_run_time_packages():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
    needed = re.search(r"^SYSTEM_PACKAGES := (.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    for package in set(needed.split()) - {"chromium"}:  # the browser is for the tests alone
        assert package in dockerfile, package
    program, *argv = json.loads(re.search(r"^CMD (.+)$", dockerfile, re.M).group(1))
    assert program == "duban" and parses(argv) == "serve"


def test_every_command_the_deployment_guide_names_exists():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`duban ([a-z][^`]*)`", guide))
    assert {"serve", "worker", "db upgrade", "run-jobs --as-of 2025-06-30"} <= named
    for words in named:  # named in passing, without every argument: a missing one is no fault of the guide
        try:
            parses(shlex.split(words.replace("N", "2")))
        except typer.BadParameter:  # MissingParameter; an unknown command or option is a UsageError
            pass
