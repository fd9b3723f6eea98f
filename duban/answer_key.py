"""The reviewed extraction as an answer key (gold/SCHEMA.md) that `duban eval` reads, and a fingerprint
of what a review made of a document's tasks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .records import ROLES, Deadline, Document, Task

TARGET_KEYS = ("text", "metric", "value", "value_max", "unit", "comparator", "kind", "year")


def task_line(doc: Document, t: Task) -> dict:
    return {"doc_number": doc.doc_number, "number": t.number, "path": list(t.path), "title": t.title,
            **{r: t.role(r) for r in ROLES}}


def target_line(doc: Document, t: Task, x: dict) -> dict:
    return {"doc_number": doc.doc_number, "path": list(t.path), "number": t.number,
            **{k: x.get(k) for k in TARGET_KEYS}}


def deadline_line(doc: Document, t: Task, d: Deadline) -> dict:
    return {"doc_number": doc.doc_number, "path": list(t.path), "number": t.number, "text": d.text,
            "due": d.due.isoformat() if d.due else None, "kind": d.kind, "recurrence": d.recurrence}


@dataclass
class AnswerKey:
    """One source file's answer key: NAME.docs.json, NAME.tasks.jsonl, NAME.targets.jsonl, NAME.deadlines.jsonl."""

    name: str
    docs: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    deadlines: list[dict] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        """File name -> content, as `duban eval --gold DIR` expects them."""
        def lines(rows: list[dict]) -> str:
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return {f"{self.name}.docs.json": json.dumps(self.docs, ensure_ascii=False, indent=1) + "\n",
                f"{self.name}.tasks.jsonl": lines(self.tasks), f"{self.name}.targets.jsonl": lines(self.targets),
                f"{self.name}.deadlines.jsonl": lines(self.deadlines)}


def answer_key(docs: list[Document], source_name: str) -> AnswerKey:
    """The reviewed documents as an answer key named after the source file. Inferred deadlines are left
    out: the key holds only limits the text states (docs/annotating.md)."""
    key = AnswerKey(source_name.rsplit("/", 1)[-1])
    for d in docs:
        key.docs.append({"issuer": d.issuer, "doc_number": d.doc_number, "title": d.title, "date": d.date,
                         "region": d.region, "task_count": len(d.tasks)})
        for t in d.tasks:
            key.tasks.append(task_line(d, t))
            key.targets += [target_line(d, t, x) for x in t.targets]
            key.deadlines += [deadline_line(d, t, x) for x in t.deadlines if not x.inferred]
    return key


def fingerprint(doc: Document) -> str:
    """The reviewed content of a document's tasks, for telling a corrected copy from the stored one."""
    rows = [{**task_line(doc, t), "targets": [target_line(doc, t, x) for x in t.targets],
             "deadlines": [deadline_line(doc, t, x) for x in t.deadlines]} for t in doc.tasks]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str)
