"""Layout: how each region of a document is printed, between normalisation and task reading.

Tables are rebuilt from whatever flattening a page left them in (`tables`); the lines then go on
to be rejoined as prose (`normalize.to_text`). Outline and prose are read by `outline` and
`extract.roles`, which learn their numbering and labels from the document itself."""

from __future__ import annotations

from ..normalize import lines, to_text
from ..records import Source, Text
from .tables import rebuild


def read(source: Source) -> Text:
    """The source's text, cleaned, with its tables rebuilt as one tab-separated line per row."""
    return to_text(source, rebuild(lines(source)))
