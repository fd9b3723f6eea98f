"""Source -> documents with their tasks: normalize, split, then read each document's tasks."""

from __future__ import annotations

from ..normalize import normalize
from ..records import Document, Source
from ..split import split
from .tasks import extract_tasks


def extract(source: Source) -> list[Document]:
    text = normalize(source)
    documents = split(text)
    for doc in documents:
        doc.tasks = extract_tasks(text, doc)
    return documents
