"""The office's registry edits (alias, merge, split) made once for the registry and the ledger: the edit is
audited, appended to the registry's edits file (`Registry.record`, so mentions read later resolve the
new way) and the ledger rows it concerns are re-pointed, so tasks already stored follow it at once. The
command line (`duban units alias|merge|split`) and the web page (`/registry`) both call `apply`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import DubanError
from ..units.registry import Registry, kind_by_suffix, squeeze
from . import audit
from .models import Document, Extension, Problem, ProgressReport, Task, TaskRole, Unit, User

FIELDS = {"alias": ("name", "unit"), "merge": ("a", "b"), "split": ("name", "new")}  # what each edit names
UNIT_ROWS = (TaskRole, ProgressReport, Problem, Extension)  # the ledger's records held by one unit


def apply(session: Session, registry: Registry, op: dict, actor: str) -> dict:
    """Make one edit; what moved in the ledger is returned (and audited with the edit). Nothing is kept
    unless the caller's transaction commits; the edits file is written last."""
    check(op)
    moved = {"merge": merge_rows, "alias": alias_rows, "split": split_rows}[op["op"]](session, op)
    if op["op"] == "split" and moved.get("from"):
        op["from"] = moved["from"]  # where the printed form was: the old entry's history shows the split
    audit.record(session, actor, "registry_edit", "registry", Path(registry.path or "registry.jsonl").name,
                 **op, ledger=moved)
    registry.record(op)
    return moved


def check(op: dict) -> None:
    if op.get("op") not in FIELDS:
        raise DubanError(f"未知的登记簿修改：{op.get('op')}")
    for name in FIELDS[op["op"]]:
        if not str(op.get(name) or "").strip():
            raise DubanError("请填写完整")
    if op["op"] == "merge" and op["a"] == op["b"]:
        raise DubanError("不能把单位并入自身")


def ensure_unit(session: Session, uid: str, like: Unit | None, region: str | None = None) -> None:
    """The ledger entry of `uid`, made (named by its id, of the kind its name reads as) when missing."""
    if session.get(Unit, uid) is None:
        session.add(Unit(id=uid, name=uid, kind=kind_by_suffix(uid) or (like.kind if like else "unit"),
                         region=region or (like.region if like else "")))
        session.flush()


def merge_rows(session: Session, op: dict) -> dict:
    """Everything held by A (task roles, reports, problems, extension requests, liaison accounts) is B's."""
    a, b = op["a"], op["b"]
    old = session.get(Unit, a)
    if old is None:
        return {"task_roles": 0}
    ensure_unit(session, b, old)
    moved = {}
    for model in UNIT_ROWS:
        done = session.execute(update(model).where(model.unit_id == a).values(unit_id=b))
        moved[model.__tablename__] = done.rowcount
    for user in session.scalars(select(User)):
        if a in (user.units or []):
            user.units = list(dict.fromkeys(b if u == a else u for u in user.units))
            moved.setdefault("users", []).append(user.login)
    return moved


def printed_as(session: Session, name: str, region: str | None) -> list[TaskRole]:
    """The unit mentions of the ledger printed as `name` (compared as the registry compares), in documents
    of `region` when one is given."""
    want = squeeze(name)
    rows = session.execute(select(TaskRole, Document.region).join(Task, Task.id == TaskRole.task_id)
                           .join(Document, Document.id == Task.document_id)
                           .where(TaskRole.unit_id.is_not(None), TaskRole.status != "person")).all()
    return [r for r, where in rows if squeeze(r.printed) == want and (not region or squeeze(where or "") == squeeze(region))]


def alias_rows(session: Session, op: dict) -> dict:
    """Mentions printed as the alias now name its unit."""
    return repoint(session, printed_as(session, op["name"], op.get("region")), op["unit"], op.get("region"))


def split_rows(session: Session, op: dict) -> dict:
    """Mentions printed as NAME leave the entry they were read as for one of their own."""
    return repoint(session, printed_as(session, op["name"], op.get("region")), op["new"], op.get("region"))


def repoint(session: Session, roles: list[TaskRole], uid: str, region: str | None) -> dict:
    """The mentions now name `uid` (made in the ledger if new); the entries they named before."""
    roles = [r for r in roles if r.unit_id != uid]
    old = sorted({r.unit_id for r in roles})
    if roles:
        ensure_unit(session, uid, roles[0].unit, region)
    for r in roles:
        r.unit_id, r.status = uid, "resolved"
    return {"task_roles": len(roles), "from": old}
