"""python -m duban: the same as the duban command."""

from .cli import app

app()
