"""Put the rules (``data/incentives.yaml``) into the graph, next to the provisions they quote.

``(:Provision)-[:OFFERS]->(:Incentive)``, and from each incentive ``HAS_TIER`` (:Tier),
``REQUIRES`` (:Criterion), ``REWARDS`` (:Qualification), ``LIMITED_BY`` (:Rule) and
``DEFERS_TO`` (:Policy or :Document). Properties are flat and Neo4j-storable
(docs/schema.md, "Incentives").
"""

from __future__ import annotations

from dataclasses import asdict

import networkx as nx

from policykg.rules.incentives import Incentive, Rules
from policykg.graph.model import GraphBuilder, policy_uid, provision_uid


def incentive_uid(iid: str) -> str:
    return f"incentive:{iid}"


def _quotes(inc: Incentive) -> list[str]:
    """Every quote an incentive makes; all must be in its provision's repaired text."""
    out = [inc.quote]
    out += [c.quote for c in inc.criteria] + [q.quote for q in inc.qualifications]
    out += [lim.quote for lim in inc.limits if lim.provision is None]  # another article's: checked there
    if inc.selection:
        out.append(inc.selection.quote)
    if inc.defers_to:
        out.append(inc.defers_to.quote)
    return out


def _others_hold(g, inc: Incentive) -> bool:
    """Each limit another article sets (``provision``) is quoted from that article's text."""
    for lim in inc.limits:
        if lim.provision is None:
            continue
        puid = provision_uid(lim.provision)
        text = g.nodes[puid]["props"].get("text_repaired") if puid in g else None
        if text is None or lim.quote not in text:
            return False
    return True


def _criterion_text(c, rules: Rules) -> str:
    """Human reading of a criterion, e.g. ``上年度营业收入 >= 2亿元``."""
    if not c.stated:
        return f"(threshold not stated) {c.quote}"
    label = rules.metrics[c.metric].label
    if isinstance(c.value, bool):
        return f"{label}: {'是' if c.value else '否'}"
    return f"{label} {c.op} {c.value_as_written}{c.unit_as_written}"


def add_incentives(target: GraphBuilder | nx.MultiDiGraph, rules: Rules) -> list[str]:
    """Add `rules` to the graph; return the ids skipped.

    An incentive whose provision is missing, or whose quotes are not all in that
    provision's ``text_repaired`` (another --source), is skipped; one warning listing
    them goes to the compilation's Document node.
    """
    b = target if isinstance(target, GraphBuilder) else GraphBuilder(target)
    g = b.graph
    skipped: list[str] = []
    for inc in rules.incentives:
        puid = provision_uid(inc.provision)
        text = g.nodes[puid]["props"].get("text_repaired") if puid in g else None
        if text is None or any(q not in text for q in _quotes(inc)) or not _others_hold(g, inc):
            skipped.append(inc.id)
            continue
        _add_one(b, inc, rules, puid)
    primary = g.graph.get("primary_document", "document:compilation")
    if skipped and primary in g:
        warnings = g.nodes[primary]["props"].setdefault("warnings", [])
        if len(skipped) == len(rules.incentives):
            # Rules written for another document: one line that says so, not 92 ids.
            warnings.append(
                f"rules {rules.path}: none of its {len(skipped)} incentives quotes these documents, so "
                f"they have no awards; draft rules for them with: policykg rules draft DOC -o rules.yaml"
            )
        else:
            warnings.append(
                f"rules {rules.path}: {len(skipped)} of {len(rules.incentives)} incentives not applied "
                f"(provision missing or quote not in its text): {', '.join(skipped)}"
            )
    return skipped


def _add_one(b: GraphBuilder, inc: Incentive, rules: Rules, puid: str) -> None:
    g = b.graph
    sel = inc.selection
    ex = inc.rate_base_excess_over
    uid = b.node(
        incentive_uid(inc.id), "Incentive",
        id=inc.id, name=inc.name, kind=inc.kind, basis=inc.basis, payer=inc.payer,
        recipient=inc.recipient, project_kind=inc.project_kind, frequency=inc.frequency,
        max_years=inc.max_years, first_time=inc.first_time, quote=inc.quote,
        provision_seq=inc.provision, policy_number=g.nodes[puid]["props"].get("policy_number"),
        max_amount_wan=inc.max_amount_wan, amount_wan=inc.amount_wan, ceiling=inc.ceiling,
        rate_percent=inc.rate_percent, rate_ceiling=inc.rate_ceiling, rate_base=inc.rate_base,
        excess_over_percent=ex.percent if ex else None, excess_over_metric=ex.metric if ex else None,
        cap_wan=inc.cap_wan, tier_metric=inc.tier_metric, tier_op=inc.tier_op if inc.tiers else None,
        note=inc.note, industries=list(inc.industries), qualifications_mode=inc.qualifications_mode,
        selection_method=sel.method if sel else None, selection_quota=sel.quota if sel else None,
        selection_per=sel.per if sel else None, selection_quote=sel.quote if sel else None,
        competitive=sel is not None,
        defers_to=inc.defers_to.target if inc.defers_to else None,
        effective_from=inc.effective_from.isoformat() if inc.effective_from else None,
        effective_until=inc.effective_until.isoformat() if inc.effective_until else None,
    )
    b.rel(puid, uid, "OFFERS")
    for n, t in enumerate(inc.tiers, 1):
        props = asdict(t)
        props["criteria"] = [c.quote for c in t.criteria]  # a level's own condition, as its quotes (no maps)
        props["name"] = props.pop("label")  # `label` is the node's label in GraphBuilder.node
        tuid = b.node(f"tier:{inc.id}:{n}", "Tier", incentive_id=inc.id, order=n, **props)
        b.rel(uid, tuid, "HAS_TIER", order=n)
    for n, c in enumerate(inc.criteria, 1):
        cuid = b.node(
            f"criterion:{inc.id}:{n}", "Criterion", incentive_id=inc.id, order=n,
            text=_criterion_text(c, rules), scope=rules.metrics[c.metric].scope if c.metric else None,
            **asdict(c),
        )
        b.rel(uid, cuid, "REQUIRES", order=n)
    for q in inc.qualifications:
        qdef = rules.qualifications[q.name]
        quid = b.node(f"qualification:{q.name}:{q.level or 'any'}", "Qualification",
                      name=q.name, level=q.level, title=qdef.label)
        b.rel(uid, quid, "REWARDS", quote=q.quote, mode=inc.qualifications_mode, group=q.group)
    for n, lim in enumerate(inc.limits, 1):
        # A limit shared by a group (40: 同一家企业年度支持总额) is one node.
        ruid = f"rule:{lim.group}" if lim.group else f"rule:{inc.id}:{n}"
        b.node(ruid, "Rule", **asdict(lim))
        b.rel(uid, ruid, "LIMITED_BY", order=n)
    d = inc.defers_to
    if d is not None and (d.policy is not None or d.document):
        if d.policy is not None:
            target = policy_uid(d.policy)
            if target not in g:
                return
        else:
            target = f"document:{d.document}"
            if target not in g:
                b.node(target, "Document", kind="external", number=d.document if "〔" in d.document else None,
                       title=None if "〔" in d.document else d.document)
        b.rel(uid, target, "DEFERS_TO", quote=d.quote)
