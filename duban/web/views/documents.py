"""文件: the ledger's documents, and a new document's way in. The office uploads a file, reviews the
extraction beside the source, corrects any field (units by role, deadlines, targets, number, title) or the
cut between tasks (split, merge, drop), and confirms it into the ledger. Corrections are kept per series
(`store.corrections`) and applied by `store.documents.ingest` whenever the document is read again, and the
reviewed extraction downloads as an answer key for `duban eval` (review_tools). A refused upload is said
beside the upload form, naming the file as chosen, in Chinese."""

from __future__ import annotations

import json as pyjson
import os
import pickle
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import review
from ...errors import DubanError
from ...extract import extract_file
from ...ingest import ACCEPTED
from ...limits import MB, limit
from ...records import ROLES, Source
from ...records import Document as Extracted
from ...records import Task as ExtractedTask
from ...render import ROLE_NAMES, layout_label, task_dict
from ...store import audit, corrections, transaction
from ...store.documents import ingest_in, mapped_labels, series_of, sha256
from ...store.models import Document, Task, Upload
from ...units.registry import Registry, default_path
from ..access import Principal, allow
from ..pages import action, in_transaction, json, page, render, with_message
from . import plans, reading
from .common import day, safe_name
from .scans import pages_heard, scanned_pages

router = APIRouter()
COMPARATORS = {"=": "等于", ">=": "不低于", "<=": "不超过", "~": "约", "range": "区间"}
FIELD_NAMES = {**ROLE_NAMES, "number": "序号", "title": "标题", "deadlines": "时限", "targets": "量化目标",
               "split": "拆分", "merge": "与下一项合并", "drop": "不是任务", "heading": "是标题不是任务",
               "add": "添加任务", "columns": "表格各列"}
# what the office calls each kind of target the extractor emits (extract/targets.py: the units in
# lexicon/targets.yaml by kind, and the three kinds of percentage); the form posts the key
TARGET_KINDS = {"count": "数量", "money": "金额", "amount": "实物量", "area": "面积", "length": "长度",
                "volume": "体积", "growth_pct": "增长率", "decline_pct": "下降率", "ratio_pct": "比率",
                "other": "其他"}
GROWTH = {"growth_pct": "增长", "decline_pct": "下降"}
PRINTED_AFTER = {">=": "以上", "<=": "以内", "~": "左右"}  # how a plan writes a floor, a ceiling, an about


class Refused(DubanError):
    """A file the office chose that duban will not take or cannot read: its name as chosen (never a
    server path) and the reason, in Chinese, for the page to show beside the upload form."""

    def __init__(self, name: str, reason: str, verb: str = "无法上传"):
        super().__init__(f"{verb}「{name}」：{reason}")
        self.name, self.reason = name, reason.rstrip("。")


GLOSS = re.compile(r"\s*\([A-Za-z].*$", re.S)  # the English gloss duban's messages end with, for logs and scripts


def chinese_part(message: str) -> str:
    """A reader's message without its English gloss (and the library's words inside it):
    "PDF 文件已损坏或无法解析 (unreadable PDF: No /Root object!)" -> "PDF 文件已损坏或无法解析"."""
    return GLOSS.sub("", message).strip() or "文件无法读取"


def uploads_dir() -> Path:
    return Path(os.environ.get("DUBAN_DATA_DIR", "data")) / "uploads"


def upload_of(s: Session, upload_id: int) -> Upload:
    upload = s.get(Upload, upload_id)
    if upload is None:
        raise HTTPException(404, "没有这份上传的文件 (no such upload)")
    return upload


def review_url(upload_id: int, n: int | None = None) -> str:
    """The review page, at the n-th task's heading when given: after saving an item the office comes back
    to it, not to the top of a long page (pages.with_message puts the message before the #fragment)."""
    return f"/documents/uploads/{upload_id}" + (f"#task-{n}-heading" if n is not None else "")


# The documents in the ledger and the uploads

@dataclass
class LedgerDocument:
    id: int
    title: str
    doc_number: str | None
    version: int
    versions: int
    tasks: int
    public: bool | None
    date: object
    ingested_at: datetime
    file: str
    finished_on: date | None  # 已办结 on


def ledger_documents(s: Session) -> list[LedgerDocument]:
    """The current version of every document, with how many versions and active tasks it has."""
    versions = dict(s.execute(select(Document.series, func.count()).group_by(Document.series)).all())
    tasks = dict(s.execute(select(Task.document_id, func.count()).where(Task.active).group_by(Task.document_id)).all())
    return [LedgerDocument(d.id, d.title or Path(d.path).name, d.doc_number, d.version, versions[d.series],
                           tasks.get(d.id, 0), d.public, d.date, d.ingested_at, Path(d.path).name, d.finished_on)
            for d in s.scalars(select(Document).where(Document.current).order_by(Document.id.desc()))]


@dataclass
class UploadLine:
    id: int
    filename: str
    uploaded_by: str
    uploaded_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None


def upload_line(u: Upload) -> UploadLine:
    return UploadLine(u.id, u.filename, u.uploaded_by, u.uploaded_at, u.confirmed_by, u.confirmed_at)


@page(router, "/documents", "documents.html")
def documents_page(request: Request, s: Session, who: Principal = allow("office")) -> dict:
    """文件：台账中的文件、待复核的上传、上传新文件 (documents and uploads)."""
    uploads = [upload_line(u) for u in s.scalars(select(Upload).order_by(Upload.id.desc()))]
    return {"documents": ledger_documents(s), "proposed": plans.proposals(s, day(None)),
            "awaiting": [u for u in uploads if u.confirmed_at is None],
            "confirmed": [u for u in uploads if u.confirmed_at is not None][:20],
            "accepted": ACCEPTED, "max_mb": limit("upload_mb")}


KEPT: OrderedDict[str, bytes] = OrderedDict()  # file hash -> pickled (source, documents), latest last
KEEP = 8
kept_lock = threading.Lock()


def extracted(path: Path, digest: str, name: str, labels: dict[str, str] | None = None) -> tuple[Source, list[Extracted]]:
    """The file's source and documents, read in a worker process once per file hash (and column mapping)
    and kept (pickled, so each use gets its own copy to correct): the review page is shown and posted to
    many times for one file. DubanError naming the file when duban cannot read it."""
    key = digest + (pyjson.dumps(labels, sort_keys=True, ensure_ascii=False) if labels else "")
    with kept_lock:
        done = KEPT.get(key)
    if done is None:
        try:
            done = extract_file(path, pickled=True, labels=labels)
        except DubanError as e:  # e.path is a scratch copy's: the office knows the file by its own name
            raise Refused(name, chinese_part(e.args[0]), "无法读取") from None
    with kept_lock:
        KEPT[key] = done
        KEPT.move_to_end(key)
        while len(KEPT) > KEEP:
            KEPT.popitem(last=False)
    source, docs = pickle.loads(done)
    source.path = str(path)  # first read from a scratch copy of the upload
    for doc in docs:
        doc.source = str(path)
    return source, docs


def read_checked(data: bytes, name: str, digest: str) -> int:
    """Read and extract the bytes as the file `name` would be, in a scratch folder (nothing is kept of a
    file that cannot be read); the number of tasks found."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / name
        scratch.write_bytes(data)
        return sum(len(d.tasks) for d in extracted(scratch, digest, name)[1])


def keep(data: bytes, name: str, digest: str) -> Path:
    """Save the bytes under DUBAN_DATA_DIR/uploads/<hash>/<name>: the ledger keeps the path."""
    path = uploads_dir() / digest[:16] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def upload(request: Request, s: Session,
           file: Annotated[UploadFile, File(description="文件：.txt .md .docx .pdf .html .xlsx、扫描件和照片，不超过 20 MB")],
           ticket: Annotated[str, Form(max_length=64, description="页面自选的进度编号 (where the page asks how far OCR got)")] = "",
           who: Principal = allow("office")) -> dict:
    """上传文件待复核 (upload a document for review)."""
    name = safe_name(file.filename or "", "upload")
    if Path(name).suffix.lower() not in ACCEPTED:
        raise Refused(name, f"不是可导入的文件类型，请上传 {' '.join(ACCEPTED)} 文件")
    data = file.file.read(limit("upload_mb") * MB + 1)
    if len(data) > limit("upload_mb") * MB:
        raise Refused(name, f"文件超过 {limit('upload_mb')} MB，请压缩图片或拆分后再上传")
    digest = sha256(data)
    if known := s.scalars(select(Upload).where(Upload.file_hash == digest).order_by(Upload.id)).first():
        return {"upload_id": known.id, "next": review_url(known.id), "message": f"「{name}」已上传过，继续复核"}
    with pages_heard(request.app.state.engine, ticket):
        found = read_checked(data, name, digest)
    row = Upload(filename=name, path=str(keep(data, name, digest)), file_hash=digest, uploaded_by=who.actor,
                 uploaded_at=datetime.now())
    s.add(row)
    s.flush()
    audit.record(s, who.actor, "upload", "upload", row.id, filename=name, file_hash=digest)
    message = f"已上传「{name}」，请核对提取结果" if found else \
        f"已上传「{name}」，但没有读出任务：请在复核页选取任务文字添加，或指定表格各列"
    return {"upload_id": row.id, "next": review_url(row.id), "message": message, "tasks": found}


# The upload's own routes, not `action`'s: a refused file re-renders the documents page with the reason
# beside the form (status 400) instead of a page that leads nowhere; the JSON twin answers as every action.
received, upload_signature = in_transaction(upload)


def refused_page(request: Request, who: Principal, refused: Refused) -> dict:
    with transaction(request.app.state.engine) as s:
        return {**documents_page(request, s, who), "upload_refused": {"file": refused.name, "reason": refused.reason}}


async def upload_form(**kwargs):
    try:
        result = await run_in_threadpool(received, **kwargs)
    except Refused as e:
        context = await run_in_threadpool(refused_page, kwargs["request"], kwargs["who"], e)
        return render(kwargs["request"], "documents.html", context, 400)
    return RedirectResponse(with_message(result["next"], result["message"]), status_code=303)


async def upload_json(**kwargs):
    return json(await run_in_threadpool(received, **kwargs))


for endpoint, at in ((upload_form, "/documents/upload"), (upload_json, "/api/documents/upload")):
    endpoint.__signature__, endpoint.__doc__ = upload_signature, upload.__doc__
    router.add_api_route(at, endpoint, methods=["POST"], include_in_schema=at.startswith("/api"),
                         name=endpoint.__name__, summary="上传文件待复核 (upload a document for review)")


@action(router, "/documents/{document_id}/review")
def reopen(request: Request, s: Session, document_id: int, who: Principal = allow("office")) -> dict:
    """重新复核台账中的文件 (reopen a stored document for review)."""
    doc = s.get(Document, document_id)
    if doc is None:
        raise HTTPException(404, "台账中没有这份文件 (no such document)")
    known = s.scalars(select(Upload).where(Upload.file_hash == doc.file_hash).order_by(Upload.id)).first()
    if known is None:
        path = Path(doc.path)
        if not path.is_file() or sha256(path.read_bytes()) != doc.file_hash:
            raise DubanError(f"原文件「{path.name}」已不在原处或已改动，请重新上传 (the stored file is gone)")
        known = Upload(filename=path.name, path=str(path), file_hash=doc.file_hash, uploaded_by=who.actor,
                       uploaded_at=datetime.now())
        s.add(known)
        s.flush()
        audit.record(s, who.actor, "reopen", "upload", known.id, document_id=document_id)
    return {"upload_id": known.id, "next": review_url(known.id), "message": ""}


# Reviewing one upload

@dataclass
class Reviewed:
    """An upload read and extracted again, with its series' corrections applied."""

    source: Source
    docs: list[Extracted]
    missed: list[review.Edit] = field(default_factory=list)

    @property
    def tasks(self) -> list[tuple[Extracted, ExtractedTask]]:
        return [(d, t) for d in self.docs for t in d.tasks]


def reviewed(s: Session, upload: Upload) -> Reviewed:
    out = Reviewed(*extracted(Path(upload.path), upload.file_hash, upload.filename))
    if labels := mapped_labels(s, out.docs):
        out = Reviewed(*extracted(Path(upload.path), upload.file_hash, upload.filename, labels))
    for doc in out.docs:
        out.missed += review.apply(doc, corrections.of_series(s, series_of(doc)), out.source.text)
    return out


def task_at(r: Reviewed, n: int, task_text: str | None) -> tuple[Extracted, ExtractedTask]:
    """The n-th task (from 0) of the reviewed upload; refused when the page showed another task there."""
    if not 0 <= n < len(r.tasks):
        raise HTTPException(404, "没有这一项任务 (no such task)")
    doc, task = r.tasks[n]
    if task_text is not None and review.squeeze(task_text) != review.squeeze(task.text):
        raise DubanError("这一项已被修改过，请刷新页面后再改 (the task changed since the page was shown)")
    return doc, task


def highlights(text: str, tasks: list[ExtractedTask]) -> list[tuple[str, str]]:
    """The source as (piece, mark) pairs: units, leaders, deadlines and targets marked where printed."""
    spans = []
    for t in tasks:
        spans += [(m.span.start, m.span.end, "leader" if m.role == "lead_leaders" else "unit")
                  for m in t.mentions if m.span != t.span]
        spans += [(d.span.start, d.span.end, "deadline") for d in t.deadlines if not d.inferred]
        spans += [(x["span"][0], x["span"][1], "target") for x in t.targets]
    out, at = [], 0
    for start, end, kind in sorted(spans):
        if start < at or end <= start:
            continue  # overlaps one already marked
        out += [(text[at:start], ""), (text[start:end], kind)]
        at = end
    return [p for p in [*out, (text[at:], "")] if p[0]]


def target_label(x: dict) -> str:
    """A target as a plan prints it: "新增城镇就业 1.2万人以上", "地区生产总值 增长6%左右", "投资 3–4亿元"."""
    value = review.figure(x.get("value"), x.get("text", ""))
    if x.get("value_max") is not None:
        value += "–" + review.figure(x["value_max"], x.get("text", ""))
    return f"{x.get('metric') or ''} {GROWTH.get(x.get('kind'), '')}{value}{x.get('unit') or ''}" \
           f"{PRINTED_AFTER.get(x.get('comparator'), '')}".strip()


def target_view(x: dict) -> dict:
    """A target with what the page shows: its figures as printed (never 5e+08), its kind in Chinese."""
    return {**x, "figure": review.figure(x["value"], x["text"]), "figure_max": review.figure(x["value_max"], x["text"]),
            "kind_name": TARGET_KINDS.get(x["kind"], x["kind"]), "label": target_label(x)}


def task_view(n: int, doc_index: int, t: ExtractedTask) -> dict:
    out = task_dict(t)
    for role in ROLES:
        out.pop(f"{role}_ids")
    return {"n": n, "doc": doc_index, **out, "targets": [target_view(x) for x in t.targets]}


@page(router, "/documents/uploads/{upload_id}", "documents_review.html")
def review_page(request: Request, s: Session, upload_id: int, who: Principal = allow("office")) -> dict:
    """复核提取结果：原文与任务对照，可逐项更正 (review an upload's extraction beside its source)."""
    upload = upload_of(s, upload_id)
    r = reviewed(s, upload)
    index = {id(d): i for i, d in enumerate(r.docs)}
    series = [series_of(d) for d in r.docs]
    tasks = [t for _, t in r.tasks]
    lines = [r.source.boxes_of(t.span) for t in tasks]  # where each task stands on a scan (none elsewhere)
    stored = s.scalars(select(Document).where(Document.file_hash == upload.file_hash).order_by(Document.id)).all()
    return {
        "upload": upload_line(upload),
        "documents": [{"index": i, "title": d.title, "doc_number": d.doc_number, "issuer": d.issuer, "date": d.date,
                       "region": d.region, "series": series[i], "tasks": len(d.tasks)} for i, d in enumerate(r.docs)],
        "tasks": [{**task_view(n, index[id(d)], t), "pages": sorted({b.page for b in boxes})}
                  for n, ((d, t), boxes) in enumerate(zip(r.tasks, lines, strict=True))],
        "source": highlights(r.source.text, tasks),
        "scans": scanned_pages(upload.id, r.source, lines),
        "missed": [vars(e) for e in r.missed],
        "corrections": [{"id": c.id, "task_text": c.task_text, "field": c.field, "value": c.value,
                         "shown": shown(c.value), "by": c.by, "at": c.at} for c in corrections.rows_of(s, series)],
        "stored": [{"id": d.id, "title": d.title, "version": d.version, "current": d.current} for d in stored],
        "roles": ROLE_NAMES, "fields": FIELD_NAMES, "comparators": COMPARATORS, "target_kinds": TARGET_KINDS,
        "layouts": [layout_label(d.layout) for d in r.docs], **reading.tools(r.source.text, r.docs),
    }


def shown(value) -> str:
    """A correction's value as the office reads it."""
    if value is None or value is False:
        return "（撤销）"
    if value is True:
        return "是"
    if isinstance(value, list):
        return "；".join(shown(x) for x in value) or "（无）"
    if isinstance(value, dict) and "value" in value:
        return target_label(value)
    if isinstance(value, dict):
        return " ".join(str(value[k]) for k in ("text", "due") if value.get(k) not in (None, ""))
    return str(value)


STATUS_NAMES = {"new": "新导入", "version": "新版本", "unchanged": "无变化", "corrected": "按更正修订"}


@action(router, "/documents/uploads/{upload_id}/confirm")
def confirm(request: Request, s: Session, upload_id: int, who: Principal = allow("office")) -> dict:
    """确认存入台账：按更正后的结果导入 (confirm the reviewed document into the ledger)."""
    upload = upload_of(s, upload_id)
    result = ingest_in(s, Path(upload.path), Registry(default_path()), who.actor)
    upload.confirmed_by, upload.confirmed_at = who.actor, datetime.now()
    audit.record(s, who.actor, "confirm_upload", "upload", upload.id,
                 documents=[(d.title, d.version, d.status) for d in result.documents])
    stored = "；".join(f"{d.title or '（无标题）'} 第{d.version}版 {STATUS_NAMES[d.status]}" +
                      (f"，任务 {d.matched + len(d.new)} 项" if d.status != "unchanged" else "")
                      for d in result.documents)
    return {"documents": result.documents, "without_tasks": result.without_tasks, "next": review_url(upload_id),
            "message": f"已存入台账：{stored}" if result.documents else "文件中没有任务，台账未改动"}
