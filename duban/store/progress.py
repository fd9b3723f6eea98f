"""Returned sheets into progress reports. Every row is checked against the ledger first (the task
exists and is current, its text was not edited, the sheet's unit has a role on it); then all rows
are written in one transaction, each as a report with an audit entry naming who, when and which
file, sheet and row. With `partial`, the valid rows are written and the rest returned as rejected;
without it, one rejected row means nothing is written."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..sheets.returns import Rejection, Returned, ReturnedSheet
from . import audit, transaction
from .documents import squeeze
from .ledger import UNIT_ROLES, latest_reports
from .models import Document, Problem, ProgressReport, Round, Task, TaskRole, Unit


@dataclass
class ImportResult:
    applied: int = 0
    unchanged: int = 0  # the same report as the unit's last one: not stored twice
    blank: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def check(session: Session, sheet: ReturnedSheet, unit: str | None) -> tuple[list[tuple[Returned, Task]], list[Rejection]]:
    """The rows that may be applied, each with its task, and the rejected ones."""
    ids = [r.task_id for r in sheet.rows]
    tasks = {t.id: t for t in session.scalars(select(Task).join(Document).where(Task.id.in_(ids)))}
    current = set(session.scalars(select(Task.id).join(Document).where(Task.id.in_(ids), Task.active,
                                                                       Document.current)))
    owners: dict[int, set[str]] = {}
    for task_id, unit_id in session.execute(select(TaskRole.task_id, TaskRole.unit_id).where(
            TaskRole.task_id.in_(ids), TaskRole.role.in_(UNIT_ROLES))):
        owners.setdefault(task_id, set()).add(unit_id)
    ok, rejected = [], []
    for r in sheet.rows:
        task, column = tasks.get(r.task_id), "任务ID"  # the column the office is sent to, by its header
        if task is None:
            reason = "台账中没有此任务 (no such task in the ledger)"
        elif r.task_id not in current:
            reason = "此任务已不在现行版本的台账中 (the task is no longer in the current version of its document)"
        elif r.text is not None and squeeze(str(r.text)) and squeeze(str(r.text)) != squeeze(task.text):
            reason, column = "“具体内容”与台账不一致，任务内容不能在填报表中修改 (the task text was changed)", "具体内容"
        elif unit is not None and unit not in owners.get(r.task_id, set()):
            reason = f"{unit} 不是此任务的牵头或责任单位 (the unit has no role on this task)"
        else:
            ok.append((r, task))
            continue
        rejected.append(Rejection(r.sheet, r.row, column, reason, r.key))
    return ok, rejected


def round_for(session: Session, document_id: int, at: datetime) -> Round | None:
    """The reporting round a report made at `at` answers: open on that day and not locked (the earliest
    due first, where an ad hoc round overlaps a monthly one)."""
    return session.scalars(select(Round).where(
        Round.document_id == document_id, Round.opens <= at.date(), Round.closes >= at.date(),
        or_(Round.locked_at.is_(None), Round.locked_at > at)).order_by(Round.due, Round.id).limit(1)).first()


def same_as_last(last: ProgressReport | None, r: Returned, unit: str | None, round_id: int | None) -> bool:
    """Nothing new: the unit's last report says the same, in the same round (a new round's report of an
    unchanged task is stored: it answers that round)."""
    return last is not None and last.unit_id == unit and last.round_id == round_id and (
        last.progress, last.status, last.percent, last.value, last.problem) == (
        r.progress, r.status, r.percent, r.value, r.problem)


def store_report(session: Session, r: Returned, task: Task, unit: str | None, actor: str, at: datetime,
                 source: str) -> ProgressReport:
    """One report (and the problem it raises), attached to the round it answers, audited."""
    for name, number in (("完成比例 (percent)", r.percent), ("完成值 (value)", r.value)):
        if number is not None and not math.isfinite(number):
            raise DubanError(f"{name}应为有限的数 (not a finite number): {number}")
    found = round_for(session, task.document_id, at)
    report = ProgressReport(task_id=task.id, unit_id=unit, status=r.status, progress=r.progress, percent=r.percent,
                            value=r.value, problem=r.problem, note=r.note, reported_by=actor, reported_at=at,
                            source=source, round_id=found.id if found else None)
    session.add(report)
    session.flush()
    if r.problem:
        problem = Problem(task_id=task.id, unit_id=unit, text=r.problem, raised_by=actor, raised_at=at,
                          report_id=report.id)
        session.add(problem)
        session.flush()
        audit.record(session, actor, "raise_problem", "problem", problem.id, task=task.id, unit=unit,
                     report=report.id)
    audit.record(session, actor, "report", "task", task.id, report=report.id, unit=unit, status=r.status,
                 percent=r.percent, value=r.value, round=found.name if found else None, source=source)
    return report


def apply(session: Session, rows: list[tuple[Returned, Task]], unit: str | None, actor: str, source: str,
          at: datetime | None = None) -> tuple[int, int]:
    """Write the reports; (applied, unchanged)."""
    latest = latest_reports(session, [t.id for _, t in rows])
    at = at or clock.now()
    applied = unchanged = 0
    for r, task in rows:
        found = round_for(session, task.document_id, at)
        if same_as_last(latest.get(task.id), r, unit, found.id if found else None):
            unchanged += 1
            continue
        store_report(session, r, task, unit, actor, at, f"{source}:{r.sheet}!{r.row}" if r.row else source)
        applied += 1
    return applied, unchanged


def import_progress(engine: Engine, path: Path, sheets: list[ReturnedSheet], actor: str, unit: str | None = None,
                    partial: bool = False, at: datetime | None = None) -> ImportResult:
    """Apply the returned sheets: all valid or nothing (unless `partial`). `unit` overrides the unit
    the sheet names; a sheet naming none reports as the office."""
    result = ImportResult(blank=sum(s.blank for s in sheets))
    with transaction(engine) as session:
        checked = []
        for sheet in sheets:
            who = unit or sheet.unit_id
            if who is not None and session.get(Unit, who) is None:
                result.rejected.append(Rejection(sheet.name, None, None, f"台账中没有单位 {who} (no such unit)"))
                continue
            ok, rejected = check(session, sheet, who)
            result.rejected += sheet.rejected + rejected
            checked.append((who, ok))
        if result.rejected and not partial:
            return result
        for who, ok in checked:
            applied, unchanged = apply(session, ok, who, actor, path.name, at)
            result.applied += applied
            result.unchanged += unchanged
        audit.record(session, actor, "import_progress", "file", path.name, applied=result.applied,
                     unchanged=result.unchanged, rejected=len(result.rejected), partial=partial)
    return result
