"""单位 (/registry): the ledger's units with a search box, each with the forms it was printed in and its
history (aliases, units merged into it, printed forms split off); the office merges one unit into another,
adds an alias or splits a printed form off. Each edit is the command line's (`duban units merge|alias|split`
calls the same `store.unit_edits.apply`): recorded in the registry's edits file, audited, and the ledger's
tasks follow it at once.

Open to the whole office, not the admin alone: the command has no roles (whoever runs it edits the
registry), staff upload and review the documents where the duplicates show up, and every edit names its
login in the audit log and stays in the registry's history."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import DubanError
from ...store import unit_edits
from ...store.ledger import UNIT_ROLES
from ...store.models import Document, Task, TaskRole, Unit
from ...units.registry import Registry, default_path, kind_by_suffix, squeeze
from .. import pages
from ..access import Principal, allow

router = APIRouter()
KIND_NAMES = {"government department": "政府部门", "party organ": "党委部门", "judicial organ": "司法机关",
              "mass organization": "群团组织", "public institution": "事业单位", "state company": "国有企业",
              "bank branch": "金融机构", "development zone": "开发区", "town": "乡镇（街道）", "cooperative": "合作社",
              "unit": "单位"}
EDITS = ("merge", "alias", "split")  # the forms of a unit's page (its `back` field names the one sent)
UNLISTED = ("group", "person")  # several units named together, and leaders: not units to merge


@dataclass
class Entry:
    id: str
    name: str
    kind: str
    region: str
    tasks: int = 0
    printed: dict[str, int] = field(default_factory=dict)  # printed form -> mentions
    history: list[dict] = field(default_factory=list)  # {"at", "text"}, oldest first


def histories(registry: Registry) -> dict[str, list[dict]]:
    """Each unit's lines of the registry's history, in Chinese, by unit id."""
    out: dict[str, list[dict]] = {}

    def say(uid: str, e: dict, text: str) -> None:
        out.setdefault(uid, []).append({"at": str(e.get("at", ""))[:10], "text": text})

    for e in registry.edits:
        where = f"（仅{e['region']}的文件）" if e.get("region") else ""
        if e["op"] == "alias":
            say(e["unit"], e, f"登记别名：{e['name']}{where}")
        elif e["op"] == "merge":
            say(e["b"], e, f"并入：{e['a']}")
            say(e["a"], e, f"已并入：{e['b']}")
        elif e["op"] == "split":
            say(e["new"], e, f"由写法“{e['name']}”分出{where}" + (f"，原属{'、'.join(e['from'])}" if e.get("from") else ""))
            for old in e.get("from") or []:
                say(old, e, f"写法“{e['name']}”分出为：{e['new']}")
    return out


def entries(s: Session, registry: Registry) -> list[Entry]:
    """The ledger's units (groups left out, units merged away left to their target's history)."""
    found = {u.id: Entry(u.id, u.name, KIND_NAMES.get(u.kind, u.kind), u.region) for u in
             s.scalars(select(Unit).where(Unit.kind.not_in(UNLISTED))) if registry.merged_into(u.id) == u.id}
    current = (select(TaskRole.unit_id, TaskRole.task_id, TaskRole.printed).join(Task, Task.id == TaskRole.task_id)
               .join(Document, Document.id == Task.document_id)
               .where(Task.active, Document.current, TaskRole.role.in_(UNIT_ROLES)).subquery())
    for uid, n in s.execute(select(current.c.unit_id, func.count(current.c.task_id.distinct())).group_by(current.c.unit_id)):
        if uid in found:
            found[uid].tasks = n
    for uid, printed, n in s.execute(select(current.c.unit_id, current.c.printed, func.count())
                                     .group_by(current.c.unit_id, current.c.printed)):
        if uid in found:
            found[uid].printed[printed] = n
    for uid, lines in histories(registry).items():
        if uid in found:
            found[uid].history = lines
    return sorted(found.values(), key=lambda e: e.name)


def matches(e: Entry, q: str) -> bool:
    """Part of the name, a printed form or a history line: "冠县支行" finds all three 人民银行 entries."""
    q = squeeze(q)
    return any(q in squeeze(x) for x in (e.name, e.id, *e.printed, *(h["text"] for h in e.history)))


def listed(s: Session, registry: Registry, q: str = "", form: dict | None = None, error: str = "") -> dict:
    found = entries(s, registry)
    return {"q": q, "units": [e for e in found if matches(e, q)] if q.strip() else found, "total": len(found),
            "choices": [e.id for e in found], "form": form or {}, "error": error}


def one(s: Session, registry: Registry, uid: str, form: dict | None = None, error: str = "") -> dict:
    found = entries(s, registry)
    unit = next((e for e in found if e.id == uid), None)
    if unit is None:
        into = registry.merged_into(uid)
        if into != uid and s.get(Unit, uid) is not None:
            raise HTTPException(404, f"单位“{uid}”已并入“{into}”")
        raise HTTPException(404, "没有这个单位")
    return {"unit": unit, "choices": [e.id for e in found if e.id != uid], "form": form or {}, "error": error}


@pages.page(router, "/registry", "units_admin.html")
def unit_registry(request: Request, s: Session, q: str = "", who: Principal = allow("office")) -> dict:
    """单位：台账中的单位、写法和变更记录 (the ledger's units, their printed forms and history)."""
    return listed(s, Registry(default_path()), q[:100])


@pages.page(router, "/registry/units/{unit_id}", "units_entry.html")
def unit_entry(request: Request, s: Session, unit_id: str, who: Principal = allow("office")) -> dict:
    """一个单位：写法、变更记录，合并、登记别名、拆分 (one unit: its printed forms and history)."""
    return one(s, Registry(default_path()), unit_id)


def chinese(message: str) -> str:
    """The message without the English gloss some library messages carry in brackets."""
    return re.sub(r"\s*\([^()]*[A-Za-z][^()]*\)", "", message).strip()


def shown_again(fn: Callable) -> Callable:
    """A refused edit sent from a form comes back as its page again, with the message beside the form and
    what was typed still in it (status 400); /api/... answers the refusal as JSON like any action. Every
    refusal is raised before anything is written, so the transaction has nothing to undo."""
    @functools.wraps(fn)
    def run(s: Session, **kwargs) -> dict:
        try:
            return fn(s=s, **kwargs)
        except DubanError as e:
            if kwargs["request"].url.path.startswith("/api/"):
                raise
            typed = {k: v for k, v in kwargs.items() if isinstance(v, str)}
            registry, error = Registry(default_path()), chinese(str(e))
            if typed.get("back") in EDITS:  # sent from the unit's own page, by the form named
                return {"shown": "units_entry.html", "page": one(s, registry, typed["unit"], typed, error)}
            return {"shown": "units_admin.html", "page": listed(s, registry, "", typed, error)}
    return run


def go_on(request: Request, result: dict):
    if "shown" in result:
        return pages.render(request, result["shown"], result["page"], 400)
    return RedirectResponse(pages.with_message(result["next"], result["message"]), status_code=303)


def edit(path: str):
    def decorate(fn: Callable) -> Callable:
        pages.twice(router, "POST", path, shown_again(fn), go_on)
        return fn
    return decorate


def ledger_unit(s: Session, typed: str, what: str) -> Unit:
    """The ledger's unit typed (its full name, as the picker offers them)."""
    typed = typed.strip()
    unit = s.get(Unit, typed) or s.scalars(select(Unit).where(Unit.name == typed)).first()
    if unit is None or unit.kind in UNLISTED:
        raise DubanError(f"{what}“{typed}”不在台账的单位中，请从列表中选择")
    return unit


def live(registry: Registry, unit: Unit) -> None:
    if (into := registry.merged_into(unit.id)) != unit.id:
        raise DubanError(f"“{unit.id}”已并入“{into}”，请直接使用“{into}”")


def done(uid: str, message: str, moved: dict) -> dict:
    n = moved.get("task_roles", 0)
    return {"next": f"/registry/units/{quote(uid, safe='')}", "message": f"{message}，{n} 处任务中的提及随之改动", "moved": moved}


@edit("/registry/merge")
def merge(request: Request, s: Session, a: Annotated[str, Form(max_length=200)], b: Annotated[str, Form(max_length=200)],
          back: Annotated[str, Form()] = "", unit: Annotated[str, Form(max_length=200)] = "",
          who: Principal = allow("office")) -> dict:
    """合并单位：A 与 B 是同一单位，A 并入 B（A 的任务、填报、问题、延期申请和联络员账号都转到 B）(merge A into B)."""
    registry = Registry(default_path())
    old, new = ledger_unit(s, a, "并入的单位"), ledger_unit(s, b, "保留的单位")
    if old.id == new.id:
        raise DubanError("不能把单位并入自身，请选择另一个单位")
    live(registry, old)
    live(registry, new)
    moved = unit_edits.apply(s, registry, {"op": "merge", "a": old.id, "b": new.id}, who.actor)
    return done(new.id, f"已合并：{old.id} 并入 {new.id}", moved)


def region_of(unit: Unit, only_here: str) -> str | None:
    """The region an alias or split holds in: the unit's own when 仅限本地区 is ticked, else everywhere."""
    return (unit.region or None) if only_here else None


@edit("/registry/alias")
def alias(request: Request, s: Session, unit: Annotated[str, Form(max_length=200)],
          name: Annotated[str, Form(max_length=200)], here: Annotated[str, Form()] = "",
          back: Annotated[str, Form()] = "", who: Principal = allow("office")) -> dict:
    """登记别名：文件中的这种写法就是本单位 (record a printed name as this unit's)."""
    registry, target = Registry(default_path()), ledger_unit(s, unit, "单位")
    live(registry, target)
    region, written = region_of(target, here), name.strip()
    if not written:
        raise DubanError("请填写别名")
    if squeeze(written) in (squeeze(target.id), squeeze(target.name)):
        raise DubanError(f"“{written}”就是单位全称，无需登记为别名")
    if registry.aliases.get(f"{region or ''}|{squeeze(written)}") == target.id:
        raise DubanError(f"“{written}”已是“{target.id}”的别名")
    moved = unit_edits.apply(s, registry, {"op": "alias", "name": written, "unit": target.id, "region": region},
                             who.actor)
    return done(target.id, f"已登记别名：{written} = {target.id}", moved)


@edit("/registry/split")
def split(request: Request, s: Session, unit: Annotated[str, Form(max_length=200)],
          name: Annotated[str, Form(max_length=200)], new: Annotated[str, Form(max_length=200)],
          here: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "",
          who: Principal = allow("office")) -> dict:
    """拆分单位：本单位的某种写法其实是另一个单位，分出成为单独的单位 (a printed form is another agency)."""
    registry, source = Registry(default_path()), ledger_unit(s, unit, "单位")
    written, own = name.strip(), new.strip()
    if not written or not own:
        raise DubanError("请选择要分出的写法，并填写新单位的全称")
    if not s.scalar(select(func.count()).where(TaskRole.unit_id == source.id, TaskRole.printed == written)):
        raise DubanError(f"“{source.id}”的任务中没有“{written}”这种写法")
    if s.get(Unit, own) is not None:
        raise DubanError(f"台账中已有单位“{own}”，如是同一单位请用“登记别名”")
    if kind_by_suffix(own) is None:
        raise DubanError(f"“{own}”不像单位全称（应以局、办、中心、公司、支行、镇等结尾）")
    moved = unit_edits.apply(s, registry, {"op": "split", "name": written, "new": own,
                                           "region": region_of(source, here)}, who.actor)
    return done(own, f"已拆分：写法“{written}”成为单位 {own}", moved)
