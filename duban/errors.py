"""The only exceptions a user sees: each says where the problem is and what it is."""

import struct
import zipfile
import zlib

# what a parser raises on bytes it did not expect (a damaged or hostile file): the file's fault, to be
# said as a ReadError naming it, never a traceback or a 500
BROKEN_FILE = (ValueError, LookupError, TypeError, AttributeError, AssertionError, RecursionError, OSError,
               EOFError, SyntaxError, zlib.error, zipfile.BadZipFile, struct.error,
               NotImplementedError)  # zipfile: a zip version or compression method it does not know


class DubanError(Exception):
    """A problem the user can fix: where it is and what to do."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 errors: list | None = None):
        super().__init__(message)
        self.path, self.line = path, line
        self.errors = errors or []  # one entry per place, where there are several (the rows of a sheet)

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line) if p is not None)
        return f"{where}: {self.args[0]}" if where else self.args[0]


class ReadError(DubanError):
    """A file could not be read as a document (empty, binary, encrypted, image-only …)."""
