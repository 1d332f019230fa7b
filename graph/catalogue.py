"""Read questions over the embedded graph: which policies, which provisions, in force when.

These mirror the named Cypher queries in ``queries/`` (policies_in_force, provisions...);
tests check that both give the same rows.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from policykg.errors import InputError
from policykg.graph.model import counts, nodes_with_label, policy_uid
from policykg.loaders.agencies import canonical_agency
from policykg.loaders.outline import MARKERS
from policykg.rules.validity import validity_status  # noqa: F401  (re-exported: in force on a day)


def policy_status(props: dict, day: date) -> str:
    """`validity_status` of a Policy node's props on `day`; `unknown` where it would say in_force but
    the policy's end of validity is not known (not stated, or a wording not understood)."""
    status = validity_status(props.get("effective_from"), props.get("effective_until"), day)
    if status == "in_force" and props.get("validity_known") is False:
        return "unknown"
    return status


def list_policies(graph: nx.MultiDiGraph, as_of: date) -> list[dict]:
    """Every policy with its dates, its provision count and its status on `as_of`."""
    rows = []
    for uid, p in nodes_with_label(graph, "Policy"):
        provisions = [v for _, v, k in graph.out_edges(uid, keys=True) if k == "HAS_PROVISION"]
        rows.append({
            "number": p["number"],
            "title": p["title"],
            "effective_from": p.get("effective_from"),
            "effective_until": p.get("effective_until"),
            "status": policy_status(p, as_of),
            "provisions": len(provisions),
            "validity_text": p.get("validity_text"),
            # An end date counted rather than written (有效期三年 from the start) says so, with its rule.
            "derived": bool(p.get("validity_derived")),
            "validity_rule": p.get("validity_rule") if p.get("validity_derived") else None,
            "document_number": p.get("document_number"),
            "warning": p.get("validity_warning") if p.get("validity_known") is False else None,
        })
    return sorted(rows, key=lambda r: r["number"])


def _policy_numbers(graph: nx.MultiDiGraph) -> list[int]:
    return sorted(p["number"] for _, p in nodes_with_label(graph, "Policy"))


def _resolve(name: str, names: list[str], option: str, noun: str) -> str:
    """`name` if it is one of `names`, else the one name containing it; an InputError otherwise."""
    if name in names:
        return name
    hits = [n for n in names if name in n]
    if len(hits) == 1:
        return hits[0]
    hint = f"did you mean one of {', '.join(hits)}?" if hits else f"known: {', '.join(names)}"
    raise InputError(f"{option} {name!r}: no such {noun}; {hint}")


def resolve_agency(graph: nx.MultiDiGraph, name: str) -> str:
    """The Agency node name for `name`: canonical, alias, full name, or a unique substring."""
    names = sorted(p["name"] for _, p in nodes_with_label(graph, "Agency"))
    canonical = canonical_agency(name)
    return canonical if canonical in names else _resolve(name, names, "--agency", "agency in the graph")


def resolve_industry(graph: nx.MultiDiGraph, name: str) -> str:
    names = sorted(p["name"] for _, p in nodes_with_label(graph, "Industry"))
    return _resolve(name, names, "--industry", "industry section")


def check_policy(graph: nx.MultiDiGraph, number: int) -> None:
    if policy_uid(number) not in graph:
        numbers = _policy_numbers(graph)
        raise InputError(f"--policy {number}: no such policy; the compilation numbers them {numbers[0]}..{numbers[-1]}")


def list_provisions(
    graph: nx.MultiDiGraph,
    as_of: date,
    policy: int | None = None,
    agency: str | None = None,
    industry: str | None = None,
    in_force_on: date | None = None,
) -> list[dict]:
    """Provisions in document order, filtered; each with its policy status on `in_force_on or as_of`.

    With `in_force_on`, only provisions whose policy is in force that day are listed.
    """
    if policy is not None:
        check_policy(graph, policy)
    agency_name = resolve_agency(graph, agency) if agency else None
    industry_name = resolve_industry(graph, industry) if industry else None
    day = in_force_on or as_of
    rows = []
    for uid, v in nodes_with_label(graph, "Provision"):
        p = graph.nodes[policy_uid(v["policy_number"])]["props"]
        status = policy_status(p, day)
        if policy is not None and v["policy_number"] != policy:
            continue
        if in_force_on is not None and status != "in_force":
            continue
        if industry_name and v.get("industry") != industry_name:
            continue
        agencies = sorted(
            ((d["props"]["position"], graph.nodes[t]["props"]["name"], d["props"]["role"])
             for _, t, k, d in graph.out_edges(uid, keys=True, data=True) if k == "RESPONSIBLE"),
        )
        if agency_name and agency_name not in [a[1] for a in agencies]:
            continue
        rows.append({
            "seq": v["seq"],
            "title": v.get("title"),
            "policy": v["policy_number"],
            "policy_title": p["title"],
            "industry": v.get("industry"),
            "agencies": [a[1] for a in agencies if a[2] == "lead"],
            "cooperating": [a[1] for a in agencies if a[2] == "cooperating"],
            "effective_until": p.get("effective_until"),
            "status": status,
            "text": v["text_repaired"],
            "number": v.get("number_as_written"),  # 第十条, 二、（一）3.: its place in a standalone policy's outline
            "section": section_path(graph, v.get("section")),
        })
    return sorted(rows, key=lambda r: r["seq"])


def section_path(graph: nx.MultiDiGraph, uid: str | None) -> str | None:
    """The headings a provision stands under, from the top: 一、加大企业培育力度 › （一）培育龙头企业."""
    parts = []
    while uid and uid in graph and "Section" in graph.nodes[uid]["labels"]:
        s = graph.nodes[uid]["props"]
        parts.append(f"{s.get('number_as_written') or ''}{s.get('title') or ''}")
        uid = next((t for _, t, k in graph.out_edges(uid, keys=True) if k == "PART_OF"), None)
    return " › ".join(reversed(parts)) or None


def summarise(graph: nx.MultiDiGraph, as_of: date) -> dict:
    """What `policykg build` reports: counts, parse warnings, repairs, what is in force."""
    doc = graph.nodes[primary_document(graph)]["props"]
    policies = list_policies(graph, as_of)
    in_force = [p["number"] for p in policies if p["status"] == "in_force"]
    warnings = [w for _, d in documents(graph) for w in (d.get("warnings") or [])]
    return {
        "documents": len(documents(graph)),
        "policies_unknown": [p["number"] for p in policies if p["status"] == "unknown"],
        "source": doc.get("source_path"),
        "title": doc.get("title"),
        "as_of": as_of.isoformat(),
        "counts": counts(graph),
        "stated": {"policies": doc.get("stated_policy_count"), "provisions": doc.get("stated_provision_count")},
        "policies_in_force": in_force,
        "provisions_in_force": sum(p["provisions"] for p in policies if p["status"] == "in_force"),
        "ocr_repairs": len(doc.get("ocr_repairs") or []),
        "warnings": warnings,
    }


def primary_document(graph: nx.MultiDiGraph) -> str:
    """The uid of the first document read (the bundled compilation's is `document:compilation`)."""
    return graph.graph.get("primary_document") or "document:compilation"


def documents(graph: nx.MultiDiGraph) -> list[tuple[str, dict]]:
    """The documents read into the graph (not the external ones they cite), in reading order."""
    order = graph.graph.get("documents") or [primary_document(graph)]
    return [(uid, graph.nodes[uid]["props"]) for uid in order if uid in graph]


def unknown_validity(graph: nx.MultiDiGraph, day: date) -> list[dict]:
    """Policies whose status on `day` is unknown: what an in-force answer cannot include, and why."""
    return [{"number": p["number"], "title": p["title"], "warning": p.get("warning")}
            for p in list_policies(graph, day) if p["status"] == "unknown"]


def list_documents(graph: nx.MultiDiGraph, as_of: date) -> list[dict]:
    """Each document read: layout, 文号, issuer, dates, counts (policies, provisions, agencies known and
    unknown, amounts by unit), validity of its policies on `as_of`, and its warnings."""
    rows = []
    for uid, d in documents(graph):
        policies = [t for _, t, k in graph.out_edges(uid, keys=True) if k == "CONTAINS"]
        provisions = [v for v, p in nodes_with_label(graph, "Provision") if p.get("document", uid) == uid]
        agencies: dict[str, bool] = {}
        units: dict[str, int] = {}
        for v in provisions:
            for _, t, k in graph.out_edges(v, keys=True):
                props = graph.nodes[t]["props"]
                if k == "RESPONSIBLE":
                    agencies[props["name"]] = bool(props.get("known"))
                elif k == "STATES":
                    units[props["unit"]] = units.get(props["unit"], 0) + 1
        for p in policies:
            for _, t, k in graph.out_edges(p, keys=True):
                if k == "INTERPRETED_BY":
                    agencies[graph.nodes[t]["props"]["name"]] = bool(graph.nodes[t]["props"].get("known"))
        statuses = [policy_status(graph.nodes[p]["props"], as_of) for p in policies]
        levels: dict[str, int] = {}
        for v in provisions:
            marker = graph.nodes[v]["props"].get("marker")
            key = MARKERS.get(marker, "provision") if marker else ("P" if d.get("layout") == "compilation" else "?")
            levels[key] = levels.get(key, 0) + 1
        sections = [n for n, sp in nodes_with_label(graph, "Section") if sp.get("document") == uid]
        rows.append({
            "document": uid,
            "file": d.get("file_name") or d.get("source_path"),
            "layout": d.get("layout") + (f" ({d['inner_layout']})" if d.get("inner_layout") else ""),
            "title": d.get("title"),
            "number": d.get("number"),
            "issuer": d.get("issuer"),
            "issued_on": d.get("issued_on"),
            "policies": len(policies),
            "provisions": len(provisions),
            "by_level": levels,
            "sections": len(sections),
            "agencies_known": sum(agencies.values()),
            "agencies_unknown": len(agencies) - sum(agencies.values()),
            "amounts": dict(sorted(units.items(), key=lambda kv: -kv[1])),
            "validity": _validity_summary(graph, policies, statuses),
            "warnings": list(d.get("warnings") or []),
            "sha256": d.get("sha256"),
        })
    return rows


def _validity_summary(graph, policies, statuses) -> str:
    if len(policies) == 1:
        p = graph.nodes[policies[0]]["props"]
        return f"{p.get('effective_from') or '?'}..{p.get('effective_until') or '?'} {statuses[0]}"
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
