"""Plans of one level side by side (three counties' plans from the same city plan): their tasks gathered into
clusters of the same work through the links between every two plans, a matrix of clusters x plans, and for
each plan the clusters most of the others have and it lacks ("which county has no task for X?")."""

from __future__ import annotations

from itertools import combinations

from .plans import Plan, linked, scored, text_of
from .similar import Vectors


class Clusters:
    """Union-find over (plan index, task index), each root knowing its members."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}
        self.members: dict[tuple[int, int], set[tuple[int, int]]] = {}

    def find(self, x: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb
            self.members.setdefault(rb, {rb}).update(self.members.pop(ra, {ra}))

    def plans(self, x: tuple[int, int]) -> set[int]:
        return {k for k, _ in self.members.get(self.find(x), {self.find(x)})}


def across(plans: list[Plan]) -> dict:
    """{"plans": [source], "clusters": [{"id", "title", "tasks": {source: [T]}}], "missing": {source: [id]}}:
    clusters of tasks, at most one of each plan (a task of no link is a cluster of its own), in the order of the first plan that has
    them; missing: the clusters most of the other plans have and this one lacks."""
    starts = [sum(len(p.doc.tasks) for p in plans[:k]) for k in range(len(plans))]
    vectors = Vectors([text_of(t) for p in plans for t in p.doc.tasks])
    index = {id(t): (k, n) for k, p in enumerate(plans) for n, t in enumerate(p.doc.tasks)}
    clusters = Clusters()
    links = [pair for (a, upper), (b, lower) in combinations(enumerate(plans), 2)
             for pair in linked(scored(upper, lower, vectors, starts[a], starts[b]))]
    for pair in sorted(links, key=lambda p: -p.score):  # the likest first; a cluster holds a task per plan
        x, y = index[id(pair.upper)], index[id(pair.lower)]
        if not clusters.plans(x) & clusters.plans(y):  # joined, links would chain a field's tasks together
            clusters.join(x, y)
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for k, p in enumerate(plans):
        for n in range(len(p.doc.tasks)):
            members.setdefault(clusters.find((k, n)), []).append((k, n))
    out = []
    for number, tasks in enumerate(sorted(members.values(), key=min), start=1):
        first = plans[tasks[0][0]].doc.tasks[tasks[0][1]]
        by_plan: dict[str, list[dict]] = {}
        for k, n in tasks:
            by_plan.setdefault(plans[k].source, []).append(plans[k].ref(plans[k].doc.tasks[n]))
        out.append({"id": number, "title": first.title, "tasks": by_plan})
    others = max(len(plans) - 1, 1)
    missing = {p.source: [c["id"] for c in out if p.source not in c["tasks"] and len(c["tasks"]) > others / 2]
               for p in plans}
    return {"plans": [p.source for p in plans], "clusters": out, "missing": missing}
