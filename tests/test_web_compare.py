"""对照 through its JSON twin (/api/compare): two plans of the seeded ledger compared and side by side."""

from __future__ import annotations


def test_two_plans_are_compared_and_set_side_by_side(site):
    c = site.client("office_staff")
    body = c.get("/api/compare", params={"upper": site.ids.other, "lower": site.ids.plan}).json()
    links = body["result"]["links"]
    assert links and all(x["upper"]["task_id"] and x["lower"]["task_id"] for x in links)
    both = c.get("/api/compare", params=[("plan", site.ids.other), ("plan", site.ids.plan)]).json()["side_by_side"]
    placed = [t["task_id"] for cluster in both["clusters"] for ts in cluster["tasks"].values() for t in ts]
    assert len(placed) == len(set(placed)) and len(both["plans"]) == 2
    assert any(len(cluster["tasks"]) == 2 for cluster in both["clusters"])
    page = c.get("/compare", params=[("plan", site.ids.other), ("plan", site.ids.plan)])
    assert page.status_code == 200 and page.text.count("<tr><td>") == len(both["clusters"])


def test_comparison_is_the_office_s_and_asks_for_two_plans(site):
    assert site.client("unit").get("/api/compare").status_code == 403
    refused = site.client("office_staff").get("/api/compare", params={"plan": site.ids.plan})
    assert refused.status_code == 400 and "两个" in refused.text
