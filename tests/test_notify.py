"""Messages to the units on a real ledger (seeds 000 and 003, the 2024 plan with monthly rounds), sent to
real servers on 127.0.0.1: one message per event or one digest a day, queued once however often the day
is queued, sent with retries that the audit log shows, held through quiet hours, the 批示, 延期, 问题 and
round events, the CLI, and the office's 工作台 listing what could not be sent."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from duban import clock, config
from duban.cli import app
from duban.errors import DubanError
from duban.notify import failed, queue_day, send_due
from duban.notify.compose import KIND_NAMES
from duban.notify.events import KINDS
from duban.notify.send import claimed, due_batch, send_test
from duban.store import connect, transaction
from duban.store.documents import ingest
from duban.store.models import AuditEntry, Document, OutboxMessage, Task, TaskRole
from duban.supervise import extensions, notes, problems, remind, rounds
from duban.units.registry import Registry

from .conftest import SEEDS
from .receivers import http_receiver

FGJ, GXJ = "冠县发展和改革局", "冠县工业和信息化局"  # lead units of 33 and 35 overdue tasks on DAY
DAY = date(2025, 1, 10)
MORNING = datetime(2025, 1, 10, 8, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The two plans stored at the start of 2024, the 2024 plan with a monthly cycle (due the 25th)."""
    path = tmp_path_factory.mktemp("notify") / "ledger.sqlite3"
    engine = connect(f"sqlite:///{path}")
    with clock.set_to(date(2024, 1, 2)):
        for seed in (SEEDS[0], SEEDS[3]):
            ingest(engine, seed, Registry(None), "tester", True)
        with transaction(engine) as s:
            plan = s.scalar(select(Document.id).where(Document.path.endswith(SEEDS[3].name)))
            rounds.plan_cycle(s, plan, "month", 25, "督查室", grace=2, end=date(2024, 12, 31))
    engine.dispose()
    return path


@pytest.fixture
def engine(template, tmp_path):
    shutil.copy(template, tmp_path / "ledger.sqlite3")
    made = connect(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    yield made
    made.dispose()


@pytest.fixture
def conf(tmp_path):
    return config.read(tmp_path, {})


@pytest.fixture
def robot():
    with http_receiver() as r:
        yield r


def route(conf, unit: str, channel: str, address: str, **more) -> None:
    conf["notify"]["units"][unit] = {"channel": channel, "address": address, **more}


def messages(engine, unit: str | None = None) -> list[OutboxMessage]:
    with transaction(engine) as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        return list(s.scalars(q.where(OutboxMessage.unit_name == unit) if unit else q))


def audited(engine, message_id: int) -> list[tuple[str, int]]:
    with transaction(engine) as s:
        return [(a, d["attempt"]) for a, d in s.execute(select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.entity == "message", AuditEntry.entity_id == str(message_id)).order_by(AuditEntry.id))]


def reminded(engine, unit: str, day: date = DAY) -> int:
    with transaction(engine) as s:
        return len(next(r for r in remind.reminders(s, day) if r.unit == unit).items)


def test_a_digest_is_one_message_and_single_messages_one_per_event(engine, conf, robot):
    route(conf, FGJ, "wecom", f"{robot.url}/cgi-bin/webhook/send?key=fgj", digest=True)
    route(conf, GXJ, "dingtalk", f"{robot.url}/robot/send?access_token=gxj", secret="SEC-gxj")
    fgj_items, gxj_items = reminded(engine, FGJ), reminded(engine, GXJ)
    assert fgj_items >= 30 and gxj_items >= 30
    queued = queue_day(engine, DAY, MORNING, conf=conf)
    [digest], singles = messages(engine, FGJ), messages(engine, GXJ)
    assert queued == 1 + gxj_items and len(singles) == gxj_items
    assert len(digest.events) == fgj_items and f"【逾期】{fgj_items}项" in digest.body
    assert f"\n{fgj_items}. 红色｜任务" in digest.body and digest.body.endswith("冠县人民政府督查室  2025年1月10日")
    assert all(m.body.count("｜任务") == 1 and m.subject == "【督办提醒】逾期" for m in singles)
    assert {m.state for m in [digest, *singles]} == {"waiting"} and digest.due_at == MORNING

    sent = send_due(engine, MORNING, conf)
    assert (sent.sent, sent.failed, sent.held) == (queued, 0, 0)
    to_fgj = [r for r in robot.requests if r["path"] == "/cgi-bin/webhook/send"]
    assert len(to_fgj) == 1 and to_fgj[0]["body"]["markdown"]["content"].startswith("### 【督办提醒】2025年1月10日待办事项")
    assert len(robot.requests) == queued and all("sign" in r["query"] for r in robot.requests if r["path"] == "/robot/send")
    assert {m.state for m in messages(engine)} == {"sent"} and audited(engine, digest.id) == [("notify_sent", 1)]


def test_queuing_a_day_twice_queues_nothing_more(engine, conf, robot):
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj", digest=True)
    route(conf, GXJ, "wecom", f"{robot.url}/send?key=gxj")
    first = queue_day(engine, DAY, MORNING, conf=conf)
    with transaction(engine) as s:  # a session of the caller's, as the web's would be
        again = queue_day(s, DAY, MORNING + timedelta(hours=9), conf=conf)
    assert first > 1 and again == 0 and len(messages(engine)) == first
    send_due(engine, MORNING, conf)
    assert queue_day(engine, DAY, MORNING, conf=conf) == 0 and len(robot.requests) == first
    assert queue_day(engine, DAY + timedelta(days=1), MORNING, conf=conf) == first  # a new day's 催办


def test_a_failed_send_is_retried_and_both_attempts_are_audited(engine, conf, robot):
    conf["notify"].update(retries=3, retry_minutes=10, quiet_hours="")
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj", digest=True)
    robot.answers.append((500, {"error": "busy"}))
    queue_day(engine, DAY, datetime(2025, 1, 10, 10), conf=conf)
    first = send_due(engine, datetime(2025, 1, 10, 10), conf)
    [m] = messages(engine)
    assert (first.sent, first.failed, first.held) == (0, 1, 1)
    assert (m.state, m.attempts, m.due_at) == ("waiting", 1, datetime(2025, 1, 10, 10, 10)) and "HTTP 500" in m.last_error
    early = send_due(engine, datetime(2025, 1, 10, 10, 5), conf)
    assert (early.sent, early.failed, early.held) == (0, 0, 1) and len(robot.requests) == 1
    second = send_due(engine, datetime(2025, 1, 10, 10, 10), conf)
    [m] = messages(engine)
    assert (second.sent, second.failed, second.held) == (1, 0, 0) and (m.state, m.attempts) == ("sent", 2)
    assert audited(engine, m.id) == [("notify_failed", 1), ("notify_sent", 2)]
    assert robot.requests[0]["body"] == robot.requests[1]["body"]


def test_two_senders_at_once_send_a_message_once(engine, conf, robot):
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj", digest=True)
    queue_day(engine, DAY, MORNING, conf=conf)
    [read_by_worker] = due_batch(engine, MORNING, set())  # the worker has read it, then `notify send` runs
    assert send_due(engine, MORNING, conf).sent == 1
    assert not claimed(engine, read_by_worker, MORNING) and len(robot.requests) == 1
    assert send_due(engine, MORNING + timedelta(hours=1), conf).sent == 0 and len(robot.requests) == 1


def test_a_message_refused_after_its_retries_is_failed_and_listed(engine, conf, robot):
    conf["notify"].update(retries=1, retry_minutes=5, quiet_hours="")
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj", digest=True)
    robot.answers += [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * 3
    queue_day(engine, DAY, datetime(2025, 1, 10, 10), conf=conf)
    for minute in (0, 5, 10):
        send_due(engine, datetime(2025, 1, 10, 10, minute), conf)
    [m] = messages(engine)
    assert (m.state, m.attempts, len(robot.requests)) == ("failed", 2, 2)
    with transaction(engine) as s:
        [listed] = failed(s)
    assert listed.id == m.id and "errcode 93000" in listed.last_error
    assert audited(engine, m.id) == [("notify_failed", 1), ("notify_failed", 2)]


def test_a_message_due_in_quiet_hours_is_held_until_they_end(engine, conf, robot):
    conf["notify"]["quiet_hours"] = "22:00-07:30"
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj", digest=True)
    queue_day(engine, DAY, datetime(2025, 1, 10, 23), conf=conf)
    [m] = messages(engine)
    assert m.due_at == datetime(2025, 1, 11, 7, 30)
    for now in (datetime(2025, 1, 10, 23), datetime(2025, 1, 11, 7, 29)):
        held = send_due(engine, now, conf)
        assert (held.sent, held.held, len(robot.requests)) == (0, 1, 0)
    assert send_due(engine, datetime(2025, 1, 11, 7, 30), conf).sent == 1 and len(robot.requests) == 1


def led_by(engine, unit: str) -> tuple[int, int]:
    """A task of the 2024 plan led by `unit` alone, and the plan."""
    with transaction(engine) as s:
        plan = s.scalar(select(Document.id).where(Document.path.endswith(SEEDS[3].name)))
        for task in s.scalars(select(Task).where(Task.document_id == plan).order_by(Task.position)):
            leads = [r.unit_id for r in task.roles if r.role == "lead_units"]
            if leads == [unit]:
                return task.id, plan
    raise AssertionError(f"no task led by {unit} alone")


def test_instructions_extensions_problems_and_rounds_reach_their_units_once(engine, conf, robot):
    task, plan = led_by(engine, FGJ)
    march = date(2024, 3, 20)  # 3 working days before the March round's due day, the 25th
    with transaction(engine) as s:
        notes.instruct(s, task, "张县长", "请抓紧推进，月底前见成效", "秘书", at=datetime(2024, 3, 19, 9))
        e = extensions.request(s, task, date(2025, 3, 31), "资金未到位", "liaison", FGJ, at=datetime(2024, 3, 1, 9))
        extensions.decide(s, e.id, False, "督查室", "理由不充分", at=datetime(2024, 3, 20, 9))
        p = problems.raise_problem(s, task, "用地指标不足", "liaison", FGJ, at=datetime(2024, 3, 18, 9))
        problems.move(s, p.id, "协调", "督查室", assignee=GXJ, at=datetime(2024, 3, 20, 10))
        with clock.set_to(march):
            rounds.open_round(s, plan, "专项调度", date(2024, 3, 29), "督查室", opens=march)
        stale = notes.instruct(s, task, "李副县长", "十天前的批示", "秘书", at=datetime(2024, 3, 10, 9))
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj")
    route(conf, GXJ, "email", "gxj@example.gov.cn")
    queue_day(engine, march, datetime(2024, 3, 20, 18), conf=conf)
    told = {m.subject.removeprefix("【督办提醒】"): m.body for m in messages(engine, FGJ)}
    assert {"领导批示", "延期审批", "调度开始", "报送提醒", "逾期", "催办"} <= set(told)
    warned = [m for m in messages(engine, FGJ) if m.subject in ("【督办提醒】逾期", "【督办提醒】催办")]
    # what is overdue goes out as 逾期, the other warnings as 催办
    assert all((m.subject == "【督办提醒】逾期") == bool(re.search(r"逾期\d+个工作日|逾期未销号", m.body)) for m in warned)
    assert "张县长对任务" in told["领导批示"] and "请抓紧推进，月底前见成效" in told["领导批示"]
    assert "十天前的批示" not in "".join(told.values()) and stale.id  # older than notify.lookback_days
    assert "延期至2025年3月31日的申请已驳回：理由不充分" in told["延期审批"]
    assert "“专项调度”调度已开始" in told["调度开始"] and "请于2024年3月29日前报送进展" in told["调度开始"]
    assert "请于2024年3月25日前报送“2024年3月”调度进展" in told["报送提醒"]
    owed = re.search(r"尚有(\d+)项未报（任务([0-9.、]+)）", told["报送提醒"])  # the tasks named, to act on
    assert owed and int(owed[1]) == len(owed[2].split("、")) > 0
    [problem] = [m for m in messages(engine, GXJ) if m.subject == "【督办提醒】问题交办"]
    assert f"问题#{p.id}“用地指标不足”" in problem.body and problem.channel == "email"

    before = len(messages(engine))
    queue_day(engine, march + timedelta(days=1), datetime(2024, 3, 21, 18), conf=conf)
    next_day = {m.subject for m in messages(engine)[before:]}
    assert next_day and next_day <= {"【督办提醒】逾期", "【督办提醒】催办", "【督办提醒】报送提醒"}  # the one-off events are not told again


def test_every_kind_has_a_name_a_deriver_and_is_sent_by_default(conf):
    assert list(KIND_NAMES) == list(KINDS) == conf["notify"]["kinds"]


def test_only_the_kinds_the_office_sends_are_queued(engine, conf, robot):
    conf["notify"]["kinds"] = ["report_due"]
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj")
    queue_day(engine, date(2024, 3, 20), datetime(2024, 3, 20, 9), conf=conf)
    assert [m.subject for m in messages(engine)] == ["【督办提醒】报送提醒"]
    conf["notify"]["kinds"] = ["report_due", "remnd"]
    with pytest.raises(DubanError, match=re.escape("remnd 不是消息种类，可选：overdue | remind")):
        queue_day(engine, date(2024, 3, 21), datetime(2024, 3, 21, 9), conf=conf)


@pytest.mark.parametrize("entry, said", [
    ({"channel": "fax", "address": "0635-1234567"}, "channel 应为 wecom | dingtalk | email | sms"),
    ({"channel": "wecom"}, "缺少 address"),
    ({"channel": "wecom", "address": "http://x", "secrit": "s"}, "没有这项设置 secrit"),
])
def test_a_bad_route_names_the_unit_and_what_is_wrong(engine, conf, entry, said):
    conf["notify"]["units"][FGJ] = entry
    with pytest.raises(DubanError, match=said) as e:
        queue_day(engine, DAY, MORNING, conf=conf)
    assert f'[notify.units."{FGJ}"]' in str(e.value) and messages(engine) == []


def test_a_test_message_reaches_the_unit_named_in_part(engine, conf, robot):
    route(conf, FGJ, "wecom", f"{robot.url}/send?key=fgj")
    assert send_test(engine, "冠县发展和改革局", conf).name == FGJ
    assert "测试消息" in robot.requests[0]["body"]["markdown"]["content"]
    with pytest.raises(DubanError, match="没有设置通知渠道"):
        send_test(engine, GXJ, conf)
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "notify_test")) == 1


def test_the_cli_reads_the_routes_from_duban_toml(engine, data_dir, tmp_path, monkeypatch, robot):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "duban.toml").write_text(
        f'[notify]\nquiet_hours = ""\n\n[notify.units."{FGJ}"]\nchannel = "wecom"\n'
        f'address = "{robot.url}/cgi-bin/webhook/send?key=fgj"\ndigest = true\n', encoding="utf-8")
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    config.settings.cache_clear()
    try:
        runner = CliRunner()
        tested = runner.invoke(app, ["notify", "test", FGJ])
        sent = runner.invoke(app, ["notify", "send", "--as-of", "2025-01-10"])
        again = runner.invoke(app, ["notify", "send", "--as-of", "2025-01-10"])
        unknown = runner.invoke(app, ["notify", "test", GXJ])
    finally:
        config.settings.cache_clear()
    assert tested.exit_code == 0 and "已发出测试消息" in tested.stdout
    assert sent.exit_code == 0 and "新排入 1 条，发出 1 条" in sent.stdout, sent.output
    assert again.exit_code == 0 and "新排入 0 条，发出 0 条" in again.stdout
    assert unknown.exit_code == 2 and "没有设置通知渠道" in unknown.stderr
    assert len(robot.requests) == 2 and "【逾期】" in robot.requests[1]["body"]["markdown"]["content"]


def test_the_office_sees_what_could_not_be_sent(site, conf):
    with http_receiver() as gone:
        address = f"{gone.url}/send?key=k"  # closed when the message is sent
    conf["notify"].update(retries=0, quiet_hours="")
    route(conf, site.ids.unit, "wecom", address, digest=True)  # named by its registry id
    assert queue_day(site.engine, DAY, MORNING, conf=conf) == 1
    assert send_due(site.engine, MORNING, conf).failed == 1
    with transaction(site.engine) as s:
        name = s.scalar(select(TaskRole.printed).where(TaskRole.unit_id == site.ids.unit).limit(1))
    page = site.client("office_staff").get("/inbox").text
    assert "发送失败的通知（1）" in page and "无法连接 127.0.0.1" in page and "企业微信" in page
    [shown] = site.client("office_staff").get("/api/inbox").json()["undelivered"]
    assert shown["attempts"] == 1 and shown["subject"].startswith("【督办提醒】2025年1月10日") and name
