"""Plain records the supervision stage hands to its writers (Word, Excel, Markdown, the web UI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# the office's status words, in the order bulletins and tables list them
STATUSES = ("已完成", "超进度", "序时推进", "滞后", "未启动", "长期坚持", "已延期")
COLOURS = ("red", "yellow", "blue")
COLOUR_NAMES = {"red": "红色", "yellow": "黄色", "blue": "蓝色"}
COLOUR_ORDER = (*COLOURS, "none")  # red first


def status_rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def colour_rank(colour: str | None) -> int:
    return COLOUR_ORDER.index(colour or "none")


@dataclass
class ChapterFigures:
    chapter: str  # the chapter heading as printed ("一、聚焦扩大有效需求，……")
    tasks: int
    counts: dict[str, int]  # status -> tasks, every status of STATUSES present (0 where none)


@dataclass
class BehindTask:
    key: str  # "T42-9f1c"
    number: str  # the item number as printed ("（三）5")
    title: str
    units: str  # lead units, "、"-joined
    status: str  # 滞后 (behind 序时进度 or overdue)
    reason: str  # one line: "完成比例40%，低于序时进度58.3%" / "已逾期12个工作日"


@dataclass
class MissingUnit:
    unit: str  # the registry name
    missed: int  # expected reports not made in the round
    tasks: list[str]  # the task numbers it did not report on


@dataclass
class Ranked:
    rank: int  # 1, 2, 2, 4 (ties share a rank)
    name: str  # unit or leader
    score: float
    explanation: list[str] = field(default_factory=list)  # one line per rule applied


@dataclass
class Bulletin:
    """The figures of one reporting round, as of the day the round locked (or the as-of date)."""

    issuer: str  # "冠县人民政府督查室"
    title: str  # "关于2024年3月重点任务推进情况的通报"
    doc_number: str  # a placeholder the office fills in: "冠督通〔2024〕  号"
    round_name: str  # "2024年3月"
    as_of: date
    documents: list[str]  # titles of the plans covered
    tasks: int
    counts: dict[str, int]  # status -> tasks
    colours: dict[str, int]  # red/yellow/blue -> tasks
    expected: int  # reports expected in the round (task x lead unit)
    on_time: int
    late: int
    missed: int
    chapters: list[ChapterFigures]
    behind: list[BehindTask]
    missing: list[MissingUnit]
    ranking: list[Ranked]

    @property
    def reported(self) -> int:
        return self.on_time + self.late
