"""The audit log as evidence: who did what, when, to which record, in a hash chain. Each entry takes the
chain's head (one row, so writers queue for it), carries the previous entry's hash and an HMAC of its
own content and that hash, keyed outside the database (DUBAN_AUDIT_KEY, else DUBAN_DATA_DIR/audit.key).
`verify` finds an edited, deleted, inserted or back-dated entry; the database refuses UPDATE and DELETE
besides (triggers), and on PostgreSQL the app's role cannot TRUNCATE it (docs/postgresql.md)."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import String, cast, select, update
from sqlalchemy.orm import Session

from ..errors import DubanError
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64
CLI = "cli:"  # the prefix of every actor who wrote through the command line (a web login has no colon)


def current_user(claimed: str | None = None) -> str:
    """Who runs a command: the operating-system user, as `cli:<user>`; a name given (`--by`, DUBAN_USER) is
    kept beside it (`cli:<user>/<name>`), never instead of it, so a CLI write is never taken for a web login."""
    try:
        system = getpass.getuser()
    except (KeyError, OSError):
        system = "unknown"
    claimed = (claimed or os.environ.get("DUBAN_USER", "")).strip()
    return f"{CLI}{system}/{claimed}"[:100] if claimed else f"{CLI}{system}"


@cache
def key_of(path: str | None, env: str | None) -> bytes:
    if env:
        return env.encode()
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
    return file.read_text().strip().encode()


def key() -> bytes:
    folder = Path(os.environ.get("DUBAN_DATA_DIR", "data"))
    return key_of(str(folder / "audit.key"), os.environ.get("DUBAN_AUDIT_KEY"))


def content(e: AuditEntry) -> bytes:
    return json.dumps([e.seq, e.at.isoformat(), e.actor, e.action, e.entity, e.entity_id, e.detail, e.prev_hash],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(e: AuditEntry) -> str:
    return hmac.new(key(), content(e), hashlib.sha256).hexdigest()


def record(session: Session, actor: str, action: str, entity: str, entity_id, **detail) -> None:
    head = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
                           .returning(AuditHead.seq, AuditHead.hash)).one()
    entry = AuditEntry(at=datetime.now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       detail=json.loads(json.dumps(detail, default=str)), seq=head.seq, prev_hash=head.hash)
    entry.hash = seal(entry)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))


@dataclass
class Finding:
    seq: int | None
    id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"第 {self.seq} 条" if self.seq is not None else "链尾"
        return f"{where}{f'（id {self.id}）' if self.id else ''}：{self.problem}"


def verify(session: Session) -> tuple[int, int, list[Finding]]:
    """(entries in the chain, entries from before it, what is wrong): a gap in the sequence (a deleted
    entry), a broken link or seal (an edited or inserted one, or the wrong key), time running backwards
    (a back-dated one), an entry outside the chain written after it began, a head that is not the end."""
    findings: list[Finding] = []
    previous, last_seq, last_at, chained, first_id = GENESIS, 0, None, 0, None
    rows = session.scalars(select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
                           .execution_options(yield_per=2000))
    for e in rows:
        chained += 1
        first_id = first_id or e.id
        if e.seq != last_seq + 1:
            findings.append(Finding(e.seq, e.id, f"序号跳过 {last_seq + 1}–{e.seq - 1}：有记录被删除 (entries deleted)"))
        if e.prev_hash != previous:
            findings.append(Finding(e.seq, e.id, "与前一条的链接不符：前面的记录被删除、插入或改动 (broken link)"))
        if not hmac.compare_digest(e.hash or "", seal(e)):
            findings.append(Finding(e.seq, e.id, "内容与校验值不符：记录被改动或伪造，或密钥不对 (seal mismatch)"))
        if last_at is not None and e.at < last_at:
            findings.append(Finding(e.seq, e.id, f"时间 {e.at:%Y-%m-%d %H:%M:%S} 早于前一条：时间被改动 (back-dated)"))
        previous, last_seq, last_at = e.hash, e.seq, e.at
    head = session.get(AuditHead, 1)
    if head is None or (head.seq, head.hash) != (last_seq, previous):
        findings.append(Finding(None, None, "链尾与最后一条记录不符：最后的记录被删除或链尾被改动 (head mismatch)"))
    outside = select(AuditEntry.id).where(AuditEntry.seq.is_(None))
    before = len(session.scalars(outside.where(AuditEntry.id < (first_id or 2**62))).all())
    for late in session.scalars(outside.where(AuditEntry.id > (first_id or 2**62))):
        findings.append(Finding(None, late, "不在链中的记录：链建立后插入 (inserted outside the chain)"))
    return chained, before, findings


def entries(session: Session, user: str | None = None, task: int | None = None, since: date | None = None,
            until: date | None = None, action: str | None = None, limit: int = 500) -> list[AuditEntry]:
    """The latest entries first, filtered by who, which task (the task itself or a record naming it), when."""
    if since and until and since > until:
        raise DubanError(f"起始日期晚于截止日期 (from after to): {since} > {until}")
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if user:
        q = q.where(AuditEntry.actor == user)
    if task is not None:
        q = q.where(((AuditEntry.entity == "task") & (AuditEntry.entity_id == str(task))) |
                    (cast(AuditEntry.detail["task"].as_string(), String) == str(task)))
    if since:
        q = q.where(AuditEntry.at >= datetime.combine(since, datetime.min.time()))
    if until:
        q = q.where(AuditEntry.at < datetime.combine(until, datetime.max.time()))
    if action:
        q = q.where(AuditEntry.action == action)
    return list(session.scalars(q))
