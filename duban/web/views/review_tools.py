"""复核的补救工具: when the reader got a document wrong, the office fixes the reading itself, and the fix is
kept with the document's corrections (applied again on re-ingest and on a new version, and in the answer
key): add a task from text selected in the source (the roles printed in it are filled in), make a heading
a task or a task a heading, and say which table column is which (every row is read again). And the
reviewed extraction as an answer key, for `duban eval` to score the reader against."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from ... import answer_key, review
from ...errors import DubanError
from ...records import Document as Extracted
from ...store import corrections, transaction
from ...store.documents import series_of
from ..access import Principal, allow
from ..pages import action, json
from .common import download
from .documents import review_url, reviewed, upload_of
from .reading import KINDS
from .task_edits import restructure

router = APIRouter()


def document_of(docs: list[Extracted], source: str, text: str) -> Extracted:
    at = source.find(text)
    doc = next((d for d in docs if at >= 0 and d.span.start <= at < d.span.end), None)
    if doc is None:
        raise DubanError("原文中找不到所选文字，请从左侧原文中选取 (the selected text is not in the source)")
    return doc


@action(router, "/documents/uploads/{upload_id}/add")
def add_task(request: Request, s: Session, upload_id: int,
             text: Annotated[str, Form(min_length=2, description="从原文中选取的任务文字 (the task's text)")],
             number: Annotated[str, Form()] = "", path: Annotated[str, Form()] = "",
             who: Principal = allow("office")) -> dict:
    """把原文中选取的文字添加为一项任务 (add a task from text selected in the source)."""
    r = reviewed(s, upload_of(s, upload_id))
    text = text.strip()
    doc = document_of(r.docs, r.source.text, text)
    value = {"number": number.strip(), "path": [p for p in re.split(r"[.．、\s]+", path) if p]}
    corrections.add(s, series_of(doc), text, review.ADD, value, who.actor)
    return {"next": review_url(upload_id), "message": f"已添加任务：{text[:30]}"}


@action(router, "/documents/uploads/{upload_id}/tasks/{n}/heading")
def task_to_heading(request: Request, s: Session, upload_id: int, n: int,
                    task_text: Annotated[str, Form(description="页面显示的任务原文 (the task as shown)")],
                    who: Principal = allow("office")) -> dict:
    """这一项是标题，不是任务 (a task that only groups the items under it; the page's text of the task is
    required, so a stale page cannot turn another task into a heading)."""
    return restructure(s, upload_id, n, task_text, "heading", True, who.actor)


@action(router, "/documents/uploads/{upload_id}/columns")
def map_columns(request: Request, s: Session, upload_id: int, label: Annotated[list[str], Form()],
                kind: Annotated[list[str], Form()], who: Principal = allow("office")) -> dict:
    """指定表格各列的含义，按此重读每一行 (say which table column is which; every row is read again)."""
    if len(label) != len(kind) or any(k not in KINDS for k in kind):
        raise DubanError("列的设置不完整 (each column needs one of the listed kinds)")
    mapping = {lab.strip(): k for lab, k in zip(label, kind, strict=True) if lab.strip()}
    if "number" not in mapping.values() or not {"lead_units", "co_units", "resp_units", "lead_leaders"} & set(mapping.values()):
        raise DubanError("请至少指定「序号」列和一个单位或领导列 (a number column and a role column are needed)")
    r = reviewed(s, upload_of(s, upload_id))
    for doc in r.docs:
        corrections.add(s, series_of(doc), "", review.COLUMNS, mapping, who.actor)
    return {"next": review_url(upload_id), "message": "已按指定的列重新读取表格"}


# The answer key

def answer_key_of(request: Request, upload_id: int) -> answer_key.AnswerKey:
    with transaction(request.app.state.engine) as s:
        upload = upload_of(s, upload_id)
        return answer_key.answer_key(reviewed(s, upload).docs, upload.filename)


@router.get("/documents/uploads/{upload_id}/answer-key", include_in_schema=False)
def answer_key_zip(request: Request, upload_id: int, who: Principal = allow("office")) -> Response:
    key = answer_key_of(request, upload_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in key.files().items():
            z.writestr(name, content)
    return download(buffer.getvalue(), "application/zip", f"{key.name}.answer-key.zip", "answer-key.zip")


@router.get("/api/documents/uploads/{upload_id}/answer-key", summary="标准答案格式的复核结果 (the answer key)")
def answer_key_json(request: Request, upload_id: int, who: Principal = allow("office")) -> JSONResponse:
    """复核后的提取结果，按 duban eval 读取的标准答案格式 (the reviewed extraction as answer-key files)."""
    key = answer_key_of(request, upload_id)
    return json({"name": key.name, "files": key.files()})
