"""复核一项任务: the office corrects a task's fields (units by role, deadlines, targets, number, title) or
the cut between tasks (split, merge, drop). Only what the form changed is kept, as a correction of the
document's series (`store.corrections`), applied again whenever the document is read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ... import review
from ...errors import DubanError
from ...records import ROLES
from ...records import Task as ExtractedTask
from ...store import corrections
from ...store.documents import series_of
from ..access import Principal, allow
from ..pages import action
from .documents import FIELD_NAMES, review_url, reviewed, task_at, upload_of

router = APIRouter()


class TaskForm(BaseModel):
    """A task's fields as the review form posts them; a field left out stays as it is."""

    task_text: str | None = None  # the text the page showed, to refuse an edit of a task changed since
    number: str | None = None
    title: str | None = None
    lead_leaders: str | None = None
    lead_units: str | None = None
    co_units: str | None = None
    resp_units: str | None = None
    unattributed_units: str | None = None
    deadline_text: list[str] | None = None
    deadline_due: list[str] | None = None
    target_text: list[str] | None = None
    target_metric: list[str] | None = None
    target_value: list[str] | None = None
    target_value_max: list[str] | None = None
    target_unit: list[str] | None = None
    target_comparator: list[str] | None = None
    target_kind: list[str] | None = None
    target_year: list[str] | None = None


def column(values: list[str] | None, i: int) -> str:
    return (values[i] if values and i < len(values) else "").strip()


def number_or_none(value: str, what: str) -> float | None:
    """A figure as typed ("20", "5亿", "1.2万"); `what` names the field in the message when it is not one."""
    if not value:
        return None
    try:
        return review.figure_value(value)
    except ValueError:
        raise DubanError(f"{what}应为数字（如 20、5亿、1.2万），填的是「{value}」") from None


def posted_deadlines(form: TaskForm) -> list[dict] | None:
    if form.deadline_text is None and form.deadline_due is None:
        return None
    rows = [{"text": column(form.deadline_text, i), "due": column(form.deadline_due, i) or None}
            for i in range(max(len(form.deadline_text or []), len(form.deadline_due or [])))]
    for k, row in enumerate(rows, start=1):
        try:
            review.as_date(row["due"])
        except ValueError:
            raise DubanError(f"时限第 {k} 行的「日期」有误（应如 2025-06-30），填的是「{row['due']}」") from None
    return [r for r in rows if r["text"] or r["due"]]


def posted_targets(form: TaskForm) -> list[dict] | None:
    if form.target_text is None and form.target_value is None:
        return None
    rows = []
    for i in range(max(len(form.target_text or []), len(form.target_value or []))):
        row = f"量化目标第 {i + 1} 行的"
        value = number_or_none(column(form.target_value, i), f"{row}「数值」")
        if value is None:
            continue  # a row left empty, or emptied to remove the target
        year = number_or_none(column(form.target_year, i), f"{row}「年份」")
        rows.append({"text": column(form.target_text, i), "metric": column(form.target_metric, i), "value": value,
                     "value_max": number_or_none(column(form.target_value_max, i), f"{row}「上限」"),
                     "unit": column(form.target_unit, i) or None,
                     "comparator": column(form.target_comparator, i) or "=", "kind": column(form.target_kind, i) or "other",
                     "year": int(year) if year is not None else None})
    return rows


def deadline_rows(t: ExtractedTask) -> list[dict]:
    return [{"text": d.text, "due": d.due.isoformat() if d.due else None} for d in t.deadlines]


def comparable(targets: list[dict]) -> list[tuple]:
    """Targets as the form edits them, figures as floats (the extraction writes 20, the form 20.0)."""
    def number(x):
        return float(x) if x is not None else None
    return [(x.get("text"), x.get("metric"), number(x.get("value")), number(x.get("value_max")), x.get("unit"),
             x.get("comparator"), x.get("kind"), x.get("year")) for x in targets]


def changes(form: TaskForm, t: ExtractedTask) -> dict:
    """field -> corrected value, for the fields the form changed."""
    out = {}
    for key in ("number", "title"):
        value = getattr(form, key)
        if value is not None and value.strip() != getattr(t, key):
            out[key] = value.strip()
    for role in ROLES:
        value = getattr(form, role)
        if value is not None and review.names(value) != t.role(role):
            out[role] = review.names(value)
    if (deadlines := posted_deadlines(form)) is not None and deadlines != deadline_rows(t):
        out["deadlines"] = deadlines
    if (targets := posted_targets(form)) is not None and comparable(targets) != comparable(t.targets):
        out["targets"] = targets
    return out


@action(router, "/documents/uploads/{upload_id}/tasks/{n}")
def save_task(request: Request, s: Session, upload_id: int, n: int, form: Annotated[TaskForm, Form()],
              who: Principal = allow("office")) -> dict:
    """保存一项任务的更正：只记录改动的字段 (save a task's corrected fields)."""
    doc, task = task_at(reviewed(s, upload_of(s, upload_id)), n, form.task_text)
    changed = changes(form, task)
    for name, value in changed.items():
        corrections.add(s, series_of(doc), task.text, name, value, who.actor)
    fields = "、".join(FIELD_NAMES[k] for k in changed)
    message = f"第 {task.number} 项已更正：{fields}" if changed else f"第 {task.number} 项没有改动"
    return {"changed": changed, "next": review_url(upload_id, n), "message": message}


def restructure(s: Session, upload_id: int, n: int, task_text: str | None, name: str, value, actor: str) -> dict:
    """Record a split, merge or drop of the n-th task."""
    r = reviewed(s, upload_of(s, upload_id))
    doc, task = task_at(r, n, task_text)
    if name == "merge" and (n + 1 >= len(r.tasks) or r.tasks[n + 1][0] is not doc):
        raise DubanError("这是本文件最后一项任务，没有下一项可合并 (no next task to merge with)")
    if name == "split" and task.text.find(value.strip()) <= 0:
        raise DubanError(f"在第 {task.number} 项中找不到「{value}」，或它就在开头 (split text not found inside the task)")
    corrections.add(s, series_of(doc), task.text, name, value, actor)
    return {"next": review_url(upload_id, max(n - 1, 0) if name in ("drop", "heading") else n),
            "message": f"第 {task.number} 项：{FIELD_NAMES[name]}"}


@action(router, "/documents/uploads/{upload_id}/tasks/{n}/split")
def split_task(request: Request, s: Session, upload_id: int, n: int,
               at: Annotated[str, Form(min_length=1, description="后一项开头的文字 (where the second task starts)")],
               task_text: Annotated[str | None, Form()] = None, who: Principal = allow("office")) -> dict:
    """把一项任务从给定文字处拆成两项 (split a task where the given text starts)."""
    return restructure(s, upload_id, n, task_text, "split", at.strip(), who.actor)


@action(router, "/documents/uploads/{upload_id}/tasks/{n}/merge")
def merge_task(request: Request, s: Session, upload_id: int, n: int, task_text: Annotated[str | None, Form()] = None,
               who: Principal = allow("office")) -> dict:
    """把一项任务与下一项合并 (merge a task with the next)."""
    return restructure(s, upload_id, n, task_text, "merge", True, who.actor)


@action(router, "/documents/uploads/{upload_id}/tasks/{n}/drop")
def drop_task(request: Request, s: Session, upload_id: int, n: int, task_text: Annotated[str | None, Form()] = None,
              who: Principal = allow("office")) -> dict:
    """这一项不是任务：从提取结果中去掉 (not a task: drop it)."""
    return restructure(s, upload_id, n, task_text, "drop", True, who.actor)
