"""A small ledger with one account per role, for the web tests: seeds 003 (the 2024 plan, with 牵头领导)
and 000, a monthly reporting cycle on 003, and users admin/staff/liaison/leader. Built once per test
session into a SQLite file that each test copies, so every test starts from the same state."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from duban import clock
from duban.store import connect, transaction, users
from duban.store.documents import ingest
from duban.store.ledger import UNIT_ROLES
from duban.store.models import Document, Task, TaskRole
from duban.supervise.rounds import plan_cycle
from duban.units.registry import Registry, default_path
from duban.web import create_app

PASSWORD = "secret-pass-1"
START = date(2024, 1, 2)
ROLE_LOGINS = {"office_admin": "admin", "office_staff": "staff", "unit": "liaison", "leader": "leader"}


@dataclass
class Ids:
    """Records the tests refer to, found in the seeded ledger (never typed in from the sample text)."""

    plan: int  # seed 003's document id
    other: int  # seed 000's
    unit: str  # the liaison's unit: the lead unit of the plan's first task
    person: str  # the leader: the 牵头领导 of the plan's first task
    own_task: int  # a task both the liaison's unit and the leader have
    foreign_task: int  # a task neither has


def build(engine: Engine, seeds: list[Path]) -> Ids:
    registry = Registry(default_path())
    with clock.set_to(START):  # an office that has used duban since the start of the plan's year
        for path in seeds:
            ingest(engine, path, registry, "tests")
    with transaction(engine) as s:
        docs = {Path(d.path).name[:3]: d for d in s.scalars(select(Document))}
        plan, other = docs["003"], docs["000"]
        with clock.set_to(plan.date):  # its cycle planned the day the plan was issued
            plan_cycle(s, plan.id, "month", 5, "tests")
        first = s.scalars(select(Task).where(Task.document_id == plan.id).order_by(Task.position)).first()
        roles = {r.role: r for r in reversed(first.roles)}
        unit, person = roles["lead_units"].unit_id, roles["lead_leaders"].person_id
        theirs = select(TaskRole.task_id).where(
            (TaskRole.unit_id == unit) & TaskRole.role.in_(UNIT_ROLES) | (TaskRole.person_id == person))
        foreign = s.scalars(select(Task.id).where(Task.id.not_in(theirs)).order_by(Task.id)).first()
        for role, login in ROLE_LOGINS.items():
            users.add(s, login, login, role, PASSWORD, "tests", units=[unit] if role == "unit" else [],
                      person=person if role == "leader" else None)
        return Ids(plan.id, other.id, unit, person, first.id, foreign)


@dataclass
class Site:
    engine: Engine
    ids: Ids
    app: object

    def client(self, role: str = "public") -> TestClient:
        """A browser, signed in as the role's user (not signed in for "public")."""
        c = TestClient(self.app, base_url="http://testserver")
        if role != "public":
            csrf = c.get("/api/csrf").json()["csrf"]
            r = c.post("/login", data={"login": ROLE_LOGINS[role], "password": PASSWORD, "csrf": csrf},
                       follow_redirects=False)
            assert r.status_code == 303, r.text
        return c


def csrf(client: TestClient) -> str:
    """The client's CSRF token, to send with a form (`csrf`) or as the X-CSRF-Token header."""
    return client.cookies.get("duban_csrf") or client.get("/api/csrf").json()["csrf"]


def copy_site(template: Path, folder: Path, ids: Ids) -> Site:
    target = folder / "web.sqlite3"
    shutil.copy(template, target)
    engine = connect(f"sqlite:///{target}")
    return Site(engine, ids, create_app(engine))


TODAY = date.today()


def at_once(count: int, send: Callable[[int], int]) -> list[int]:
    """`send(k)` for each k below `count`, each in a thread of its own, all released at the same moment;
    what they answered."""
    start, answers = threading.Barrier(count), []

    def run(k: int) -> None:
        start.wait()
        answers.append(send(k))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers
