"""单位 (/registry): the office merges, aliases and splits the ledger's units in the browser, as `duban units`
does on the command line; the ledger's tasks follow, the registry keeps the history, the audit log the edit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from duban.cli import app as cli
from duban.store import transaction, users
from duban.store.models import AuditEntry, TaskRole, Unit
from duban.units.registry import Registry, default_path

from .web import copy_site, csrf

SHORT, FULL = "人民银行冠县支行", "中国人民银行冠县支行"  # one bank branch read as two units by the seeds
NDRC = "冠县发展和改革局"  # printed in the seeds as 县发展和改革局 and as 县发展和改革委员会


def roles_of(engine, uid: str) -> set[tuple[int, str, str]]:
    with transaction(engine) as s:
        return {(r.task_id, r.role, r.printed) for r in s.scalars(select(TaskRole).where(TaskRole.unit_id == uid))}


def ledger_roles(engine) -> list[tuple]:
    with transaction(engine) as s:
        return sorted(s.execute(select(TaskRole.id, TaskRole.unit_id, TaskRole.status)).all())


def edits() -> list[dict]:
    """The registry's edits file, without the time each was made."""
    return [{k: v for k, v in e.items() if k != "at"} for e in Registry(default_path()).edits]


def registry_audit(engine) -> list[AuditEntry]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "registry_edit")))


def post(client, path: str, **form):
    return client.post(path, data={**form, "csrf": csrf(client)}, follow_redirects=False)


def test_the_search_box_finds_one_branch_under_its_names(site):
    c = site.client("office_staff")
    found = c.get("/api/registry", params={"q": "冠县支行"}).json()
    assert {u["id"] for u in found["units"]} == {SHORT, FULL}
    assert found["total"] > len(found["units"])
    page = c.get("/registry", params={"q": "冠县支行"}).text
    assert "找到 2 个单位" in page and 'href="/registry/units/' in page and "合并单位" in page


def test_merge_moves_the_tasks_and_keeps_the_history(site):
    before_short, before_full = roles_of(site.engine, SHORT), roles_of(site.engine, FULL)
    assert before_short and before_full
    c = site.client("office_staff")
    r = post(c, "/registry/merge", a=SHORT, b=FULL)
    assert r.status_code == 303 and r.headers["location"].startswith("/registry/units/")
    page = c.get(r.headers["location"]).text
    assert "已合并：人民银行冠县支行 并入 中国人民银行冠县支行" in page and "并入：人民银行冠县支行" in page
    assert roles_of(site.engine, SHORT) == set()
    assert roles_of(site.engine, FULL) == before_short | before_full  # the printed form stays on each task
    assert edits() == [{"op": "merge", "a": SHORT, "b": FULL}]
    assert Registry(default_path()).resolve(SHORT, "冠县").id == FULL  # later documents read it the same way
    listed = {u["id"]: u for u in c.get("/api/registry").json()["units"]}
    assert SHORT not in listed and listed[FULL]["tasks"] == len({t for t, _, _ in before_short | before_full})
    [entry] = registry_audit(site.engine)
    assert entry.actor == "staff" and entry.detail["a"] == SHORT and entry.detail["ledger"]["task_roles"] == len(before_short)
    assert c.get(f"/registry/units/{SHORT}").status_code == 404  # merged away: its history is the target's


def test_the_web_merge_is_the_command_line_merge(site, web_template, tmp_path, monkeypatch):
    web = site.client("office_admin")
    assert post(web, "/api/registry/merge", a=SHORT, b=FULL).json()["ok"]
    web_edits, web_roles = edits(), ledger_roles(site.engine)
    template, ids = web_template
    (tmp_path / "cli").mkdir()
    other = copy_site(template, tmp_path / "cli", ids)  # the same ledger, edited on the command line
    monkeypatch.setenv("DUBAN_DATABASE_URL", str(other.engine.url))
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "cli-data"))
    result = CliRunner().invoke(cli, ["units", "merge", SHORT, FULL])
    assert result.exit_code == 0, result.output
    assert edits() == web_edits
    assert ledger_roles(other.engine) == web_roles
    assert registry_audit(other.engine)[0].detail == registry_audit(site.engine)[0].detail
    other.engine.dispose()


def test_alias_points_the_printed_name_at_the_unit(site):
    moved = roles_of(site.engine, SHORT)
    c = site.client("office_admin")
    r = post(c, "/registry/alias", unit=FULL, name=SHORT, here="1", back="alias")
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "已登记别名：人民银行冠县支行 = 中国人民银行冠县支行" in page and "登记别名：人民银行冠县支行（仅冠县的文件）" in page
    assert roles_of(site.engine, SHORT) == set() and moved <= roles_of(site.engine, FULL)
    assert edits() == [{"op": "alias", "name": SHORT, "unit": FULL, "region": "冠县"}]
    registry = Registry(default_path())
    assert registry.resolve(SHORT, "冠县").id == FULL and registry.resolve(SHORT, "莘县").id != FULL


def test_split_gives_a_printed_form_its_own_unit(site):
    c = site.client("office_staff")
    page = c.get(f"/registry/units/{NDRC}").text
    assert "县发展和改革委员会" in page and "拆分" in page
    own = {x for x in roles_of(site.engine, NDRC) if x[2] == "县发展和改革委员会"}
    r = post(c, "/registry/split", unit=NDRC, name="县发展和改革委员会", new="冠县发展和改革委员会", here="1", back="split")
    assert r.status_code == 303
    assert own and roles_of(site.engine, "冠县发展和改革委员会") == own
    assert not {x for x in roles_of(site.engine, NDRC) if x[2] == "县发展和改革委员会"}
    with transaction(site.engine) as s:
        assert s.get(Unit, "冠县发展和改革委员会").region == "冠县"
    assert "由写法“县发展和改革委员会”分出（仅冠县的文件），原属冠县发展和改革局" in c.get(r.headers["location"]).text
    assert "写法“县发展和改革委员会”分出为：冠县发展和改革委员会" in c.get(f"/registry/units/{NDRC}").text
    assert edits() == [{"op": "split", "name": "县发展和改革委员会", "new": "冠县发展和改革委员会", "region": "冠县",
                        "from": [NDRC]}]


REFUSED = [
    # (where from, the form, what is said, the field typed in that comes back filled)
    ("/registry/merge", {"a": FULL, "b": FULL}, "不能把单位并入自身", "b"),
    ("/registry/merge", {"a": "冠县不存在局", "b": FULL}, "并入的单位“冠县不存在局”不在台账的单位中", "a"),
    ("/registry/merge", {"a": SHORT, "b": "冠县各乡镇（街道）"}, "不在台账的单位中", "b"),
    ("/registry/merge", {"a": SHORT, "b": FULL, "unit": SHORT, "back": "merge"}, None, None),  # made: then refused again
    ("/registry/alias", {"unit": FULL, "name": FULL, "back": "alias"}, "就是单位全称，无需登记为别名", "name"),
    ("/registry/split", {"unit": NDRC, "name": "县发改委", "new": "冠县发改委", "back": "split"}, "没有“县发改委”这种写法", "new"),
    ("/registry/split", {"unit": NDRC, "name": "县发展和改革委员会", "new": FULL, "back": "split"}, "台账中已有单位", "new"),
    ("/registry/split", {"unit": NDRC, "name": "县发展和改革委员会", "new": "发改那边", "back": "split"}, "不像单位全称", "new"),
]


@pytest.mark.parametrize("path, form, said, kept", REFUSED)
def test_refusals_are_said_in_chinese_beside_the_form(site, path, form, said, kept):
    c = site.client("office_staff")
    if said is None:  # a unit merged away can be merged no more: said on its target's page
        assert post(c, path, **form).status_code == 303
        r = post(c, path, a=SHORT, b="人民银行冠县支行", back="")
        assert r.status_code == 400 and "不能把单位并入自身" in r.text
        r = post(c, path, a=FULL, b=SHORT, back="")
        assert r.status_code == 400 and "“人民银行冠县支行”已并入“中国人民银行冠县支行”" in r.text
        return
    before = edits()
    r = post(c, path, **form)
    assert r.status_code == 400
    alert = re.search(r'<p class="error-text" role="alert">([^<]*)</p>', r.text).group(1)
    assert said in alert and not re.search(r"[A-Za-z]", alert)
    assert re.search(f'name="{kept}"[^>]*value="{re.escape(form[kept])}"', r.text)
    assert edits() == before and registry_audit(site.engine) == []
    api = c.post(f"/api{path}", data=form, headers={"X-CSRF-Token": csrf(c)}).json()
    assert api["ok"] is False and said in api["error"]


def test_units_and_leaders_cannot_edit_the_registry(site):
    for role in ("unit", "leader"):
        assert post(site.client(role), "/registry/merge", a=SHORT, b=FULL).status_code == 403
    assert edits() == [] and roles_of(site.engine, SHORT)


def test_the_menu_shows_the_page_to_the_office(site):
    assert '<a href="/registry"' in site.client("office_staff").get("/overview").text
    assert '<a href="/registry"' not in site.client("unit").get("/unit").text


def test_a_liaison_of_the_merged_unit_reports_for_the_target(site):
    with transaction(site.engine) as s:
        users.add(s, "bank", "银行联络员", "unit", "long-enough-1", "tests", units=[SHORT])
    assert post(site.client("office_admin"), "/registry/merge", a=SHORT, b=FULL).status_code == 303
    listed = {u["login"]: u for u in site.client("office_admin").get("/api/users").json()["users"]}
    assert listed["bank"]["units"] == [FULL]
