"""`duban --help` answers at once: loading the command line loads no database, spreadsheet, numeric or web
library (each command imports what it uses); `duban --version`; `duban serve`'s defaults from settings."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from duban.cli import app
from duban.cli.web import ROLES, served_options
from duban.config import read
from duban.errors import DubanError
from duban.store import users

HEAVY = ("sqlalchemy", "fastapi", "openpyxl", "numpy", "rich", "uvicorn", "alembic", "cv2", "PIL")


def test_loading_the_command_line_loads_no_heavy_library():
    probe = f"import duban.cli, sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


def test_version():
    from importlib.metadata import version
    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output == f"duban {version('duban')}\n"


def test_the_role_help_names_every_role():
    assert ROLES.split(" | ") == list(users.ROLES)


def test_serve_takes_its_defaults_from_settings_and_the_command_line_wins(tmp_path):
    server = read(tmp_path, {"DUBAN_SERVER__PORT": "9000", "DUBAN_SERVER__ROOT_PATH": "/duban/",
                             "DUBAN_SERVER__FORWARDED_ALLOW_IPS": "10.0.0.1"})["server"]
    assert served_options(server, None, None, None, None) == {
        "host": "127.0.0.1", "port": 9000, "root_path": "/duban", "forwarded_allow_ips": "10.0.0.1"}
    assert served_options(server, "0.0.0.0", 80, "", "*") == {
        "host": "0.0.0.0", "port": 80, "root_path": "", "forwarded_allow_ips": "*"}
    with pytest.raises(DubanError, match="root-path"):
        served_options(server, None, None, "duban", None)
