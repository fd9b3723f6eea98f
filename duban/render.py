"""Records -> the extraction JSON contract (DESIGN.md) and rich tables for people."""

from __future__ import annotations

from rich.table import Table

from .records import ROLES, Document, Task

HEADER_FIELDS = ("issuer", "doc_number", "title", "date", "region")


def task_dict(task: Task) -> dict:
    out = {"number": task.number, "path": task.path, "title": task.title, "text": task.text,
           "line": task.line, "span": [task.span.start, task.span.end]}
    out.update({role: task.role(role) for role in ROLES})
    out["deadlines"] = [{"text": d.text, "span": [d.span.start, d.span.end]} for d in task.deadlines]
    out["targets"] = task.targets
    return out


def document_dict(doc: Document) -> dict:
    out = {"source": doc.source}
    out.update({f: getattr(doc, f) for f in HEADER_FIELDS})
    out.update(recipients=doc.recipients, public=doc.public, span=[doc.span.start, doc.span.end])
    out["tasks"] = [task_dict(t) for t in doc.tasks]
    return out


def units_cell(task: Task, role: str) -> str:
    return "、".join(task.role(role))


def task_table(doc: Document) -> Table:
    """One document as the office reads it: number, title, leaders and units by role."""
    title = f"{doc.title or '（无标题）'}  {doc.doc_number or ''}  {doc.date or ''}"
    table = Table(title=title, show_lines=False, expand=False)
    for name in ("序号", "层级", "任务", "牵头领导", "牵头单位", "配合单位", "责任单位", "未注明角色", "行"):
        table.add_column(name, overflow="fold")
    for t in doc.tasks:
        table.add_row(t.number, ".".join(t.path), t.title, *(units_cell(t, r) for r in ROLES), str(t.line))
    return table


def summary_table(docs: list[Document]) -> Table:
    """Per document: how many tasks, distinct units and leaders were read."""
    table = Table(title="提取结果汇总 (extraction summary)")
    for name in ("文件", "文号", "标题", "任务数", "单位数", "牵头领导"):
        table.add_column(name, overflow="fold")
    for d in docs:
        units = {n for t in d.tasks for r in ROLES[1:] for n in t.role(r)}
        leaders = list(dict.fromkeys(n for t in d.tasks for n in t.role("lead_leaders")))
        table.add_row(d.source.rsplit("/", 1)[-1], d.doc_number or "—", d.title or "—", str(len(d.tasks)),
                      str(len(units)), "、".join(leaders) or "—")
    return table
