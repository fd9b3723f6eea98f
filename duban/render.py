"""Records -> the extraction JSON contract (DESIGN.md) and rich tables for people."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from .records import ROLES, Deadline, Document, Task

HEADER_FIELDS = ("issuer", "doc_number", "title", "date", "region")


def task_dict(task: Task) -> dict:
    out = {"number": task.number, "path": task.path, "title": task.title, "text": task.text,
           "line": task.line, "span": [task.span.start, task.span.end]}
    out.update({role: task.role(role) for role in ROLES})
    out.update({f"{role}_ids": task.ids.get(role, [None] * len(task.role(role))) for role in ROLES})
    out["deadlines"] = [{"text": d.text, "span": [d.span.start, d.span.end], "due": d.due and d.due.isoformat(),
                         "kind": d.kind, "recurrence": d.recurrence, "inferred": d.inferred} for d in task.deadlines]
    out["targets"] = task.targets
    return out


def document_dict(doc: Document) -> dict:
    out = {"source": doc.source}
    out.update({f: getattr(doc, f) for f in HEADER_FIELDS})
    out.update(recipients=doc.recipients, public=doc.public, span=[doc.span.start, doc.span.end], layout=doc.layout)
    out["tasks"] = [task_dict(t) for t in doc.tasks]
    return out


def units_cell(task: Task, role: str) -> str:
    return "、".join(task.role(role))


ROLE_NAMES = {"lead_leaders": "牵头领导", "lead_units": "牵头单位", "co_units": "配合单位",
              "resp_units": "责任单位", "unattributed_units": "未注明角色"}


EVERY = {"month": "每月", "quarter": "每季度", "year": "每年", "week": "每周", "half_year": "每半年"}
COMPARATOR = {">=": "≥", "<=": "≤", "~": "约", "=": "", "range": ""}


def deadline_label(d: Deadline) -> str:
    """"2018-08-31", "每月5日", "长期坚持", "2023-12-31（推定）": what the office needs to see."""
    if d.recurrence:
        r = d.recurrence
        day = "末" if r["day"] == "end" else f"{r['day']}日" if r["day"] else ""
        return EVERY[r["every"]] + (f"{r['month']}月" if r.get("month") else "") + day
    if d.due:
        return d.due.isoformat() + ("（推定）" if d.inferred else "")
    return "".join(d.text.split())


def amount(x: float) -> str:
    """A figure as an office writes it: 7e10 -> "700亿", 535000 -> "53.5万", 94.906 -> "94.906"."""
    for at_least, size, word in ((1e8, 1e8, "亿"), (1e5, 1e4, "万")):
        if abs(x) >= at_least:
            return f"{x / size:.10g}{word}"
    return f"{x:.10g}"


def target_label(t: dict) -> str:
    """"高新技术企业 ≥10家", "地区生产总值 增长≥6%", "地方标准 1–2项", "总投资 ≥700亿元"."""
    value = amount(t["value"]) + (f"–{amount(t['value_max'])}" if t["value_max"] is not None else "")
    growth = {"growth_pct": "增长", "decline_pct": "下降"}.get(t["kind"], "")
    return f"{t['metric']} {growth}{COMPARATOR[t['comparator']]}{value}{t['unit'] or ''}".strip()


def task_table(doc: Document) -> Table:
    """One document as the office reads it: number, title, leaders and units by role (the roles the
    document uses), limits, targets."""
    title = f"{doc.title or '（无标题）'}  {doc.doc_number or ''}  {doc.date or ''}"
    table = Table(title=title, show_lines=False, expand=False)
    roles = [r for r in ROLES if any(t.role(r) for t in doc.tasks)]
    for name in ("序号", "层级", "任务", *(ROLE_NAMES[r] for r in roles), "完成时限", "量化目标", "行"):
        table.add_column(name, overflow="fold")
    for t in doc.tasks:
        table.add_row(t.number, ".".join(t.path), t.title, *(units_cell(t, r) for r in roles),
                      "；".join(dict.fromkeys(deadline_label(d) for d in t.deadlines)),
                      "；".join(target_label(x) for x in t.targets), str(t.line))
    return table


def most_named(doc: Document, role: str, top: int = 6) -> tuple[int, str]:
    """(distinct names, the most named ones with their task counts) in one role."""
    counts = Counter(n for t in doc.tasks for n in t.role(role))
    shown = "、".join(f"{n}({c})" for n, c in counts.most_common(top))
    return len(counts), shown + ("…" if len(counts) > top else "")


def document_summary(doc: Document) -> Table:
    """One document at a glance: tasks, and who is named in each role how often."""
    title = f"{doc.doc_number or ''} {doc.title or '（无标题）'} {doc.date or ''}".strip()
    table = Table(title=f"{title}\n任务 {len(doc.tasks)} 项；{layout_label(doc.layout)}", title_justify="left")
    for name in ("角色", "个数", "最常出现（任务数）"):
        table.add_column(name, overflow="fold")
    for role, label in ROLE_NAMES.items():
        n, shown = most_named(doc, role)
        if n:
            table.add_row(label, str(n), shown)
    return table


READ_AS = {"table": "表格", "outline": "条目", "mixed": "条目和表格", "none": "未识别出任务"}


def layout_label(layout: dict) -> str:
    """"按表格读取 38 行，置信度 0.95": how the document was read, for the office to judge."""
    if not layout:
        return ""
    parts = [f"按{READ_AS[layout['read_as']]}读取" if layout["read_as"] != "none" else READ_AS["none"]]
    parts += [f"表格 {layout['table_rows']} 行"] if layout["table_rows"] else []
    parts += [f"条目 {layout['outline_items']} 项"] if layout["outline_items"] else []
    parts += [f"句中分工 {layout['sentences']} 处"] if layout["sentences"] else []
    parts += [f"章节牵头 {layout['chapter_leads']} 项"] if layout["chapter_leads"] else []
    return "，".join(parts) + f"；置信度 {layout['confidence']:.2f}"


def without_tasks(docs: list[Document]) -> str:
    names = [d.doc_number or d.title or "?" for d in docs if not d.tasks]
    return f"另有 {len(names)} 篇公文未发现任务：{'；'.join(names)}" if names else ""


STATUS_NAMES = {"resolved": "已确认", "person": "人员", "group": "群体", "provisional": "登记簿中没有",
                "ambiguous": "有歧义", "unknown": "无法识别"}


def resolution_summary(statuses: list[str]) -> str:
    """"单位提及 1604 处：已确认 1096、人员 156、群体 266、登记簿中没有 86": the registry at a glance."""
    counts = Counter(statuses)
    shown = "、".join(f"{name} {counts[s]}" for s, name in STATUS_NAMES.items() if counts[s])
    return f"单位提及 {len(statuses)} 处：{shown}（待核对的用 duban units unknown 列出）" if statuses else ""
