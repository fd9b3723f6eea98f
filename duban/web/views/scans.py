"""Scans in the browser: while an upload is read, how many of its pages OCR has read (the upload page
asks every second and shows a bar; kept in the database, so any worker process answers); then the review page shows each scanned page with the lines of every
task framed where they stand, so the office checks a reading against the paper itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import Engine, delete

from ... import progress, worker
from ...ingest import page_picture
from ...records import Box, Source
from ...store import transaction
from ...store.models import ReadingProgress, Upload
from ..access import Principal, allow

router = APIRouter()
PAGE_WIDTH = 1000  # pixels: a page shown in half a screen, its 5-point print still legible when zoomed


def page_url(upload_id: int, number: int) -> str:
    return f"/documents/uploads/{upload_id}/pages/{number}.png"


def scanned_pages(upload_id: int, source: Source, lines: list[list[Box]]) -> list[dict]:
    """Each page OCR read, with the boxes of the task lines on it (`lines`: each task's, in review order)."""
    framed: dict[int, list[dict]] = {b.page: [] for b in source.boxes}
    for n, boxes in enumerate(lines):
        for b in boxes:
            framed[b.page].append({"task": n, "left": b.x0 * 100, "top": b.top * 100, "width": (b.x1 - b.x0) * 100,
                                   "height": (b.bottom - b.top) * 100})
    return [{"number": p, "url": page_url(upload_id, p), "boxes": framed[p]} for p in sorted(framed)]


@router.get("/documents/uploads/{upload_id}/pages/{number}.png", summary="扫描件的一页 (a scanned page as PNG)")
def scanned_page(request: Request, upload_id: int, number: int, who: Principal = allow("office")) -> Response:
    with transaction(request.app.state.engine) as s:
        upload = s.get(Upload, upload_id)
        if upload is None:
            raise HTTPException(404, "没有这份上传的文件 (no such upload)")
        path = upload.path
    # rendered in the worker: a picture is decoded under the same memory cap and deadline as its reading
    return Response(worker.run(page_picture, path, number, PAGE_WIDTH, scans=1), media_type="image/png")


@contextmanager
def pages_heard(engine: Engine, ticket: str) -> Iterator[None]:
    """While an upload is read, its pages read so far kept under the ticket its page chose."""
    def hear(done: int, total: int) -> None:
        with transaction(engine) as s:
            s.merge(ReadingProgress(ticket=ticket, done=done, total=total, at=datetime.now()))

    with progress.listening(hear) if ticket else nullcontext():
        try:
            yield
        finally:
            if ticket:
                with transaction(engine) as s:
                    s.execute(delete(ReadingProgress).where(ReadingProgress.ticket == ticket))


@router.get("/api/documents/upload-progress/{ticket}", summary="上传文件的识别进度 (pages of an upload read so far)")
def upload_progress(request: Request, ticket: str, who: Principal = allow("office")) -> dict:
    with transaction(request.app.state.engine) as s:
        heard = s.get(ReadingProgress, ticket)
    return {"done": heard.done, "total": heard.total} if heard else {"done": 0, "total": 0}
