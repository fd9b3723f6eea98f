"""Answer keys of links between two plans, the format of tests/data/compare: `{"a": upper source, "b": lower
source, "links": [{"a": number, "b": number, "why"}], "doubtful": [...]}`. The office's confirmed links are
exported as one (its rejected links beside them), and a comparison is scored against one: precision and
recall of the links, pairs the key calls doubtful counted neither way."""

from __future__ import annotations

from dataclasses import dataclass


def pairs(rows: list[dict]) -> set[tuple[str, str]]:
    return {(str(r["a"]), str(r["b"])) for r in rows}


def numbers(link: dict) -> dict:
    return {"a": link["upper"]["number"], "b": link["lower"]["number"]}


def key_of(result: dict, upper: str, lower: str) -> dict:
    """The office's word on a comparison of two plans as an answer key."""
    return {"a": upper, "b": lower, "keyed_by": "the office's confirmed and rejected links (duban 对照)",
            "links": [numbers(x) | {"why": x["reason"]} for x in result["links"] if x.get("decision") == "confirmed"],
            "doubtful": [], "rejected": [numbers(x) for x in result.get("rejected", [])]}


@dataclass
class Score:
    precision: float
    recall: float
    found: int  # links found, doubtful ones left out
    keyed: int  # links in the key


def scored_against(result: dict, key: dict) -> Score:
    """The comparison's links (of its one lower plan) against the key's."""
    gold, doubtful = pairs(key["links"]), pairs(key.get("doubtful", []))
    found = pairs([numbers(x) for x in result["links"]]) - doubtful
    right = len(found & gold)
    return Score(right / len(found) if found else 0.0, right / len(gold) if gold else 0.0, len(found), len(gold))
