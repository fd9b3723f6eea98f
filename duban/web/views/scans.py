"""Scans in the browser: while an upload is read, how many of its pages OCR has read (the upload page
asks every second and shows a bar); then the review page shows each scanned page with the lines of every
task framed where they stand, so the office checks a reading against the paper itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from fastapi import APIRouter, HTTPException, Request, Response

from ... import progress, worker
from ...ingest import page_picture
from ...records import Box, Source
from ...store import transaction
from ...store.models import Upload
from ..access import Principal, allow

router = APIRouter()
HEARD: dict[str, tuple[int, int]] = {}  # an upload's ticket -> (pages read, pages in all), while it is read
heard_lock = threading.Lock()
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
def pages_heard(ticket: str) -> Iterator[None]:
    """While an upload is read, its pages read so far kept under the ticket its page chose."""
    def hear(done: int, total: int) -> None:
        with heard_lock:
            HEARD[ticket] = (done, total)

    with progress.listening(hear) if ticket else nullcontext():
        try:
            yield
        finally:
            with heard_lock:
                HEARD.pop(ticket, None)


@router.get("/api/documents/upload-progress/{ticket}", summary="上传文件的识别进度 (pages of an upload read so far)")
def upload_progress(ticket: str, who: Principal = allow("office")) -> dict:
    with heard_lock:
        done, total = HEARD.get(ticket, (0, 0))
    return {"done": done, "total": total}
