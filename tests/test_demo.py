"""The demo office `make run` serves, built by `duban demo` from the five samples as of a day in 2024: the
older plans 已办结, the 2024 plan lived up to that day, and the web pages showing a believable office (a
mix of colours, 考核 ranking only units with tasks in the period, the demo's day named on every page)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from duban.cli import app
from duban.store import connect, transaction
from duban.store.models import Document, ProgressReport
from duban.supervise import lifecycle, scoring
from duban.web import create_app

from .conftest import SEEDS

DAY = "2024-12-18"
ON = date.fromisoformat(DAY)
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DUBAN_DATA_DIR", str(folder))
        mp.setenv("DUBAN_TODAY", DAY)
        mp.delenv("DUBAN_DATABASE_URL", raising=False)
        built = runner.invoke(app, ["demo", *map(str, SEEDS)])
        assert built.exit_code == 0, built.output
        again = runner.invoke(app, ["demo", *map(str, SEEDS)])
        engine = connect()
        password = built.output.split("密码 ")[-1].split()[0]
        yield engine, password, again
        engine.dispose()


def signed_in(engine, password: str) -> TestClient:
    c = TestClient(create_app(engine), base_url="http://testserver")
    csrf = c.get("/api/csrf").json()["csrf"]
    assert c.post("/login", data={"login": "office", "password": password, "csrf": csrf},
                  follow_redirects=False).status_code == 303
    return c


def test_the_older_plans_are_finished_and_the_2024_plan_lived_up_to_the_day(demo):
    engine, _, _ = demo
    with transaction(engine) as s:
        docs = s.query(Document).filter(Document.current).all()
        running = [d for d in docs if lifecycle.state(d) == lifecycle.RUNNING]
        assert [lifecycle.plan_year(d) for d in running] == [2024] and len(docs) > 1
        assert all(d.finished_on and d.finished_on <= ON for d in docs if d not in running)
        last = max(r.reported_at for r in s.query(ProgressReport))
    assert last.date() <= ON


def test_the_overview_of_the_demo_day_shows_a_mix_of_colours_not_all_red(demo):
    engine, password, _ = demo
    c = signed_in(engine, password)
    data = c.get("/api/overview").json()
    assert data["as_of"] == DAY and data["finished"] >= 1
    colours = data["colours"]
    assert all(colours.values()) and colours["red"] < data["total"] / 4
    assert "演示数据" in c.get("/overview").text


def test_assessment_ranks_only_units_with_tasks_in_the_period(demo):
    engine, password, _ = demo
    ranked = {u["name"] for u in signed_in(engine, password).get("/api/assessment").json()["units"]}
    with transaction(engine) as s:
        leading = set(scoring.events(s, date(ON.year, 1, 1), ON, lifecycle.running(s)).units.values())
    assert ranked == leading


def test_a_demo_is_built_only_on_an_empty_ledger(demo):
    _, _, again = demo
    assert again.exit_code != 0 and "空台账" in again.output

