"""Parsing in a process of its own: a file that would take gigabytes or hours to read (a PDF of 120,000
pages, a stream that inflates a thousandfold) fails its own request, never the server or the CLI run.
The child has an address-space cap and the parent a deadline; it is forked from a server process that
has already imported the parsers, so a job starts in milliseconds."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import time
from collections.abc import Callable
from functools import cache

from . import progress
from .errors import DubanError, ReadError
from .limits import MB, limit

PROGRESS = "progress"  # a message before the answer: (PROGRESS, pages done, pages in all)
PRELOAD = ["__main__", "duban.extract", "duban.ingest", "duban.sheets.returns"]


@cache
def context():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def child(conn, fn: Callable, args: tuple, memory: int, overrides: dict) -> None:
    os.environ.update(overrides)  # the limits set in the parent's environment after the server started
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        with progress.listening(lambda done, total: conn.send((PROGRESS, done, total))):
            answer = (True, pickle.dumps(fn(*args)))
    except MemoryError:
        answer = (False, ReadError(f"文件过大或结构异常，解析所需内存超过上限 {memory // MB} MB "
                                   "(parsing needs more memory than allowed)"))
    except DubanError as e:
        answer = (False, e)
    except Exception as e:  # a parser's own failure on bytes it did not expect: the file's fault
        answer = (False, ReadError(f"文件无法解析 (the parser failed: {type(e).__name__}: {e})"))
    try:
        conn.send(answer)
    except MemoryError:
        conn.send((False, ReadError("解析结果过大 (the result is too large)")))
    finally:
        conn.close()


def run(fn: Callable, *args, pickled: bool = False, scans: int = 0):
    """fn(*args) in a child process under the memory cap and the time limit (the answer as pickled bytes
    if `pickled`); its exceptions re-raised here (any exception but a DubanError becomes a ReadError
    saying the file could not be parsed). `scans`: pages OCR may read, each with its share of time, and
    the OCR models' memory."""
    seconds = limit("parse_seconds") + scans * limit("ocr_page_seconds")
    memory = limit("ocr_memory_mb" if scans else "worker_memory_mb")
    overrides = {k: v for k, v in os.environ.items() if k.startswith("DUBAN_LIMIT_")}
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=child, args=(send, fn, args, memory * MB, overrides),
                          daemon=True)
    process.start()
    send.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                raise ReadError(f"解析超过 {seconds} 秒仍未完成，已停止 (parsing took too long)")
            message = receive.recv()
            if message[0] != PROGRESS:
                break
            progress.report(*message[1:])  # passed on to whoever listens here
        ok, value = message
    except EOFError:
        raise ReadError(f"解析文件所需内存超过上限 {memory} MB 或文件已损坏，解析已中止 "
                        "(the parsing process died: out of memory or a damaged file)") from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    if not ok:
        raise value
    return value if pickled else pickle.loads(value)
