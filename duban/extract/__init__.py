"""Source -> documents with their tasks: normalize and lay out, split, then read each document's tasks."""

from __future__ import annotations

from pathlib import Path

from .. import layout, worker
from ..errors import DubanError
from ..ingest import pages_to_scan, read
from ..layout.columns import mapped
from ..records import Document, Source
from ..split import split
from .tasks import extract_tasks


def extract(source: Source, labels: dict[str, str] | None = None) -> list[Document]:
    """`labels`: table column labels a reviewer mapped to their kinds ("谁来抓": "lead_units")."""
    with mapped(labels):
        text = layout.read(source)
        documents = split(text)
        for doc in documents:
            doc.tasks = extract_tasks(text, doc)
    return documents


def read_and_extract(path: str | Path, labels: dict[str, str] | None = None) -> tuple[Source, list[Document]]:
    source = read(path)
    return source, extract(source, labels)


def extract_file(path: str | Path, pickled: bool = False, labels: dict[str, str] | None = None):
    """(source, documents) of a file, read and extracted in a worker process under the limits (see
    `worker`): a file that would exhaust memory or time is refused with a ReadError naming it."""
    try:
        return worker.run(read_and_extract, str(path), labels, pickled=pickled, scans=pages_to_scan(path))
    except DubanError as e:
        e.path = e.path or str(path)
        raise
