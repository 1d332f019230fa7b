"""Overlaps between awards: the corpus-wide map, and the best admissible set for one enterprise.

Two incentives *overlap* when paying both is limited, or would pay the same thing twice:

``explicit_rule``       the text's own limits (data/incentives.yaml ``limits``): 每个企业当年只享受一项,
                        alternatives, a cap shared by a group (pairs), and an incentive's own
                        进档差额, 3年内不重复, per-item, yearly and total caps (a self-overlap: the
                        award against its own earlier or parallel payments). A programme budget
                        (算力券 5000万元/年, all recipients) limits no one enterprise and is left out.
``same_qualification``  incentives of different provisions that reward the same honour at a
                        compatible level (equal, or either side any level): REWARDS edges.
``same_cost_base``      incentives of different provisions that pay a share of the same kind
                        of spend (their ``rate_base`` in one cost base of data/overlaps.yaml).
``defers_to``           an incentive that pays 按…政策执行 under a policy of the compilation,
                        towards that policy's incentives (those of its own project kind when
                        there are any); two incentives of different provisions that both pay
                        under the same outside document.
``validity``            the same deferral while the deferring side is in force and its target
                        policy has expired: the window ``[target until + 1 day, own until]``.

*Stake* (how consequential an overlap is, in 万元): the smaller of the two sides'
``max_amount_wan`` — what one side can lose to the other if only one is paid; the one
stated maximum when the other side states none; null (listed last) when neither does.
A self-overlap's stake is the incentive's own maximum.

This module finds them over a graph and its rules (`detect_overlaps`) and writes them as
OVERLAPS edges (`add_overlaps`, called by `load_graph`); what one enterprise can claim
together is `policykg.engine.combination`, the plan `policykg.engine.overlaps`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, Sequence

from policykg.errors import DataError, InputError
from policykg.i18n import M, Msg, N_
from policykg.graph.model import nodes_with_label, policy_uid, provision_uid
from policykg.graph.rules_graph import incentive_uid
from policykg.limits import check_number
from policykg.loaders.yamlio import check_keys, load_yaml
from policykg.paths import data_path
from policykg.rules.incentives import Incentive, Rules, load_rules
from policykg.rules.validity import validity_status
from policykg.rules.words import num

OVERLAPS_PATH = data_path("overlaps.yaml")
JURISDICTION_PATH = data_path("jurisdiction.yaml")

#: The overlap kinds, in the order the report lists them.
KINDS = ("explicit_rule", "same_qualification", "same_cost_base", "defers_to", "validity")
#: Limits that bind one enterprise (budget: a programme total over all recipients, is not one).
ENTERPRISE_LIMITS = ("tier_difference", "no_repeat_years", "one_per_year", "annual_total_cap", "total_cap",
                     "per_item_cap", "alternative")
#: Kinds a jurisdiction's `exclusive` rule may apply to.
EXCLUSIVE_KINDS = ("same_qualification", "same_cost_base", "defers_to")
_LEVEL_TEXT = {"national": "国家级", "provincial": "省级", "municipal": "市级", None: M("any level")}


def id_key(iid: str) -> tuple[int, int]:
    """Natural order of incentive ids: 2.1 < 10.1."""
    seq, _, n = iid.partition(".")
    return int(seq), int(n or 0)


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class CostBase:
    name: str
    label: str
    reason: str
    metrics: tuple[str, ...]
    project_kinds: tuple[str, ...] = ()

    def covers(self, inc: Incentive) -> bool:
        return inc.rate_base in self.metrics and (not self.project_kinds or inc.project_kind in self.project_kinds)

    def as_param(self) -> dict:
        """The form the Cypher query `derive_same_cost_base` takes as ``$cost_bases``."""
        return {"name": self.name, "metrics": list(self.metrics), "project_kinds": list(self.project_kinds)}


@dataclass(frozen=True)
class OverlapConfig:
    path: str
    cost_bases: tuple[CostBase, ...]

    def cost_base_of(self, inc: Incentive) -> CostBase | None:
        return next((cb for cb in self.cost_bases if cb.covers(inc)), None)


def _strs(v: Any, where: str) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise DataError(f"{where}: expected a list of names")
    return tuple(v)


@lru_cache(maxsize=8)
def _read_yaml(path: str) -> Any:
    return load_yaml(path)


def load_overlap_config(path: str | Path | None = None, rules: Rules | None = None) -> OverlapConfig:
    """Read data/overlaps.yaml strictly, checking metrics and project kinds against the rules."""
    rules = rules or load_rules()
    p = Path(path or OVERLAPS_PATH)
    name = str(path) if path else "data/overlaps.yaml"
    doc = check_keys(_read_yaml(str(p.resolve())), {"version", "cost_bases"}, name, {"version", "cost_bases"})
    if doc["version"] != 1:
        raise DataError(f"{name}: version: {doc['version']!r} is not a supported version; use 1")
    if not isinstance(doc["cost_bases"], dict):
        raise DataError(f"{name}: cost_bases: expected a mapping name -> {{label, reason, metrics}}")
    bases = []
    for key, cb in doc["cost_bases"].items():
        where = f"{name}: cost_bases.{key}"
        cb = check_keys(cb, {"label", "reason", "metrics", "project_kinds"}, where, {"label", "reason", "metrics"})
        metrics = _strs(cb["metrics"], f"{where}.metrics")
        for m in metrics:
            if m not in rules.metrics or rules.metrics[m].dimension != "money":
                raise DataError(f"{where}.metrics: {m!r} is not a money metric of data/metrics.yaml")
        kinds = _strs(cb.get("project_kinds", []), f"{where}.project_kinds")
        for k in kinds:
            if k not in rules.project_kinds:
                raise DataError(f"{where}.project_kinds: {k!r} is not a project kind of data/metrics.yaml")
        for field_name in ("label", "reason"):
            if not isinstance(cb[field_name], str) or not cb[field_name].strip():
                raise DataError(f"{where}.{field_name}: expected a non-empty text")
        bases.append(CostBase(str(key), cb["label"], M(cb["reason"]), metrics, kinds))
    config = OverlapConfig(name, tuple(bases))
    for inc in rules.incentives:
        hits = [cb.name for cb in bases if cb.covers(inc)]
        if len(hits) > 1:
            raise DataError(f"{name}: cost_bases: incentive {inc.id} falls in {', '.join(hits)}; "
                            "an incentive belongs to one cost base at most")
    return config


@dataclass(frozen=True)
class JurisdictionRule:
    """A rule the text does not state, applied by a jurisdiction (data/jurisdiction.yaml)."""
    id: str
    enabled: bool
    description: str
    effect: str  # exclusive | annual_total_cap
    overlaps: tuple[str, ...] = ()
    payer: str | None = None
    amount_wan: float | None = None
    source: str | None = None

    def covers_payer(self, payer: str) -> bool:
        return self.payer is None or payer == self.payer


def load_jurisdiction(path: str | Path | None = None, enable: Iterable[str] = ()) -> tuple[JurisdictionRule, ...]:
    """Read a jurisdiction rules file strictly; `enable` switches rules on by id for this run."""
    p = Path(path or JURISDICTION_PATH)
    name = str(path) if path else "data/jurisdiction.yaml"
    doc = check_keys(load_yaml(p), {"version", "rules"}, name, {"version", "rules"})
    if doc["version"] != 1:
        raise DataError(f"{name}: version: {doc['version']!r} is not a supported version; use 1")
    if not isinstance(doc["rules"], list):
        raise DataError(f"{name}: rules: expected a list of rules")
    out: list[JurisdictionRule] = []
    for i, r in enumerate(doc["rules"]):
        where = f"{name}: rules[{i}]"
        r = check_keys(r, {"id", "enabled", "description", "effect", "overlaps", "payer", "amount_wan", "source"},
                       where, {"id", "enabled", "description", "effect"})
        rid = r["id"]
        if not isinstance(rid, str) or not rid.strip():
            raise DataError(f"{where}.id: expected a name")
        where = f"{name}: rules[{i}] (id {rid})"
        if rid in {x.id for x in out}:
            raise DataError(f"{where}.id: duplicate id; ids are unique")
        if not isinstance(r["enabled"], bool):
            raise DataError(f"{where}.enabled: expected true or false, got {r['enabled']!r}")
        if not isinstance(r["description"], str) or not r["description"].strip():
            raise DataError(f"{where}.description: say the rule in words")
        effect = r["effect"]
        if effect not in ("exclusive", "annual_total_cap"):
            raise DataError(f"{where}.effect: {effect!r} is not one of exclusive, annual_total_cap")
        kinds: tuple[str, ...] = ()
        amount = None
        if effect == "exclusive":
            if "amount_wan" in r:
                raise DataError(f"{where}.amount_wan: only for effect annual_total_cap")
            kinds = _strs(r.get("overlaps"), f"{where}.overlaps")
            for k in kinds:
                if k not in EXCLUSIVE_KINDS:
                    raise DataError(f"{where}.overlaps: {k!r} is not one of {', '.join(EXCLUSIVE_KINDS)}")
        else:
            if "overlaps" in r:
                raise DataError(f"{where}.overlaps: only for effect exclusive")
            amount = r.get("amount_wan")
            if isinstance(amount, bool) or not isinstance(amount, (int, float)):
                raise DataError(f"{where}.amount_wan: expected a positive number of 万元, got {amount!r}")
            if check_number(amount, DataError, f"{where}.amount_wan") <= 0:  # NaN, inf and 1e400 refused too
                raise DataError(f"{where}.amount_wan: expected a positive number of 万元, got {amount!r}")
        payer = r.get("payer")
        if payer is not None and payer not in ("city", "district", "unstated"):
            raise DataError(f"{where}.payer: {payer!r} is not one of city, district, unstated")
        source = r.get("source")
        if source is not None and not isinstance(source, str):
            raise DataError(f"{where}.source: expected a text")
        out.append(JurisdictionRule(rid, r["enabled"], M(r["description"].strip()), effect, kinds, payer, amount, source))
    known = {x.id for x in out}
    wanted = list(enable)
    for rid in wanted:
        if rid not in known:
            raise InputError(f"--enable {rid}: no rule with that id in {name}; known: {', '.join(sorted(known)) or 'none'}")
    return tuple(JurisdictionRule(**{**x.__dict__, "enabled": x.enabled or x.id in wanted}) for x in out)


# --------------------------------------------------------------------------- corpus-wide detection


@dataclass(frozen=True)
class Side:
    """One side of an overlap: the incentive, its provision and policy (from the graph)."""
    incentive: str
    name: str
    seq: int
    title: str | None
    policy: int
    policy_title: str
    quote: str
    max_amount_wan: float | None
    payer: str
    effective_from: str | None
    effective_until: str | None

    def in_force(self, day: date) -> bool:
        return self.status(day) == "in_force"

    def status(self, day: date) -> str:
        return validity_status(self.effective_from, self.effective_until, day)

    def provision_record(self, day: date) -> dict:
        return {
            "seq": self.seq, "title": self.title,
            "policy": {"number": self.policy, "title": self.policy_title, "effective_from": self.effective_from,
                       "effective_until": self.effective_until, "status": self.status(day)},
            "incentive": self.incentive, "name": self.name, "quote": self.quote,
            "max_amount_wan": self.max_amount_wan,
        }


@dataclass(frozen=True)
class Overlap:
    """``(a)-[:OVERLAPS {kind, rule, reason, ...}]->(b)``; ``a == b`` for an incentive's own limit."""
    kind: str
    rule: str  # what it rests on: a Rule uid, "qualification:<name>", "cost_base:<name>", "policy:<n>" ...
    reason: str
    a: Side
    b: Side
    rule_quote: str | None = None  # the limit, deferral or validity wording
    stake_wan: float | None = None
    window_from: str | None = None  # validity: the days the deferral points at an expired policy
    window_until: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return self.a.incentive, self.b.incentive

    @property
    def self_overlap(self) -> bool:
        return self.a.incentive == self.b.incentive

    def applies_on(self, day: date) -> bool:
        """Both sides in force (validity: `day` inside its window)."""
        if self.kind == "validity":
            iso = day.isoformat()
            return (self.window_from is None or self.window_from <= iso) and (
                self.window_until is None or iso <= self.window_until)
        return self.a.in_force(day) and self.b.in_force(day)

    def edge_props(self) -> dict:
        return {
            "kind": self.kind, "rule": self.rule, "reason": self.reason, "rule_quote": self.rule_quote,
            "quote_from": self.a.quote, "quote_to": self.b.quote, "stake_wan": self.stake_wan,
            "window_from": self.window_from, "window_until": self.window_until,
        }

    def to_record(self, day: date) -> dict:
        sides = [self.a] if self.self_overlap else [self.a, self.b]
        return {
            "kind": self.kind, "rule": self.rule, "reason": self.reason, "stake_wan": self.stake_wan,
            "applies": self.applies_on(day), "incentives": [self.a.incentive, self.b.incentive],
            "rule_quote": self.rule_quote,
            "window": ({"from": self.window_from, "until": self.window_until} if self.kind == "validity" else None),
            "provisions": [s.provision_record(day) for s in sides],
        }


def stake(a: Side, b: Side) -> float | None:
    """The smaller stated maximum of the two sides (the only one when one side states none)."""
    known = [x for x in (a.max_amount_wan, b.max_amount_wan) if x is not None]
    return min(known) if known else None


def _sides(graph, rules: Rules) -> dict[str, Side]:
    out = {}
    for _, p in nodes_with_label(graph, "Incentive"):
        inc = rules.by_id.get(p["id"])
        if inc is None:
            continue
        v = graph.nodes[provision_uid(p["provision_seq"])]["props"]
        pol = graph.nodes[policy_uid(v["policy_number"])]["props"]
        out[p["id"]] = Side(
            p["id"], p["name"], p["provision_seq"], v.get("title"), pol["number"], pol["title"], p["quote"],
            p.get("max_amount_wan"), p["payer"],
            p.get("effective_from") or pol.get("effective_from"), p.get("effective_until") or pol.get("effective_until"),
        )
    return out


def _limit_reason(lim, members: Sequence[Incentive], rules: Rules) -> str:
    """The limit in words, for the incentives it ties together (one: the incentive's own limit)."""
    amount = f"{num(lim.amount_wan)}万元" if lim.amount_wan is not None else ""
    if getattr(lim, "share_percent", None) is not None:
        share = M("{percent}% of {label}", percent=num(lim.share_percent), label=rules.metrics[lim.share_of].label)
        amount = M("{a} and {b}", a=amount, b=share) if amount else share
    a = members[0]
    per = _per(lim.per) if lim.per else M("recipient")
    if len(members) > 1:
        names = [f"{m.id} {m.name}" for m in members]
        pair = M("{some} and {last}", some=Msg.join(", ", names[:-1]), last=names[-1])
        if lim.kind == "one_per_year":
            return M("one per enterprise per year: {pair} are not both paid in the same year", pair=pair)
        if lim.kind == "alternative":
            return M("alternatives: {pair} are the same award reached by different conditions; one is paid", pair=pair)
        if lim.kind == "annual_total_cap":
            return M("a shared yearly cap: {pair} together pay at most {amount} per {per} a year", pair=pair,
                     amount=amount, per=per)
        if lim.kind == "total_cap":
            return M("a shared total cap: {pair} together pay at most {amount} per {per}", pair=pair, amount=amount,
                     per=per)
        if lim.kind == "no_repeat_years":
            return M("no repeat within {years} years across {pair}", years=lim.years, pair=pair)
        return M("{kind} shared by {pair}", kind=lim.kind, pair=pair)
    unit = rules.project_kinds[a.project_kind].label if a.project_kind else _per(a.recipient)
    award = f"{a.id} {a.name}"
    if lim.kind == "tier_difference":
        return M("a tier-up pays the difference: {award} at a higher level pays that level minus what it already paid",
                 award=award)
    if lim.kind == "no_repeat_years":
        return M("no repeat within {years} years: {award} is not paid again for the same {unit} within {years} years",
                 years=lim.years, award=award, unit=unit)
    if lim.kind == "per_item_cap":
        return M("a per-{per} cap: what {award} pays for one {per} is at most {amount}", per=per, award=award,
                 amount=amount)
    if lim.kind == "annual_total_cap":
        return M("a yearly cap: {award} pays at most {amount} per {per} a year in total, however many {unit} qualify",
                 award=award, amount=amount, per=per, unit=unit)
    if lim.kind == "total_cap":
        return M("a total cap over the years: {award} pays at most {amount} per {per} in total", award=award,
                 amount=amount, per=_per(lim.per) if lim.per else unit)
    return M("{kind} on {id}", kind=lim.kind, id=a.id)


#: Who or what a limit counts per (limits' ``per``, an incentive's recipient), as a word to read.
PER_WORDS = {"enterprise": N_("enterprise"), "project": N_("project"), "product": N_("product"),
             "participant": N_("participant"), "provider": N_("provider"), "licence": N_("licence"),
             "year": N_("year"), "platform": N_("platform"), "app": N_("app"), "person": N_("person"),
             "intermediary": N_("intermediary"), "recipient": N_("recipient")}


def _per(word):
    return M(PER_WORDS[word]) if word in PER_WORDS else word


def detect_overlaps(graph, rules: Rules | None = None, config: OverlapConfig | None = None) -> list[Overlap]:
    """Every overlap among the incentives in `graph`, sorted by kind, then stake (largest first)."""
    rules = rules or load_rules()
    config = config or load_overlap_config(rules=rules)
    sides = _sides(graph, rules)
    incs = {i: rules.by_id[i] for i in sorted(sides, key=id_key)}
    out: list[Overlap] = []

    def add(kind, rule, reason, a, b, **extra):
        if id_key(a) > id_key(b) and kind not in ("defers_to", "validity"):
            a, b = b, a
        sa, sb = sides[a], sides[b]
        out.append(Overlap(kind, rule, reason, sa, sb, stake_wan=stake(sa, sb), **extra))

    # explicit_rule: the text's own limits, as the graph's Rule nodes group them.
    by_rule: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for iid, inc in incs.items():
        for n, lim in enumerate(inc.limits, 1):
            if lim.kind in ENTERPRISE_LIMITS:
                by_rule[f"rule:{lim.group}" if lim.group else f"rule:{iid}:{n}"].append((iid, lim))
    for ruid, members in by_rule.items():
        if len(members) == 1:
            iid, lim = members[0]
            if lim.kind in ("one_per_year", "alternative"):
                continue  # a group of one excludes nothing
            add("explicit_rule", ruid, _limit_reason(lim, [incs[iid]], rules), iid, iid, rule_quote=lim.quote)
            continue
        for (x, lim), (y, _) in combinations(members, 2):
            add("explicit_rule", ruid, _limit_reason(lim, [incs[x], incs[y]], rules), x, y, rule_quote=lim.quote)

    # same_qualification: one honour rewarded in different provisions, at a compatible level.
    for x, y in combinations(incs, 2):
        a, b = incs[x], incs[y]
        if a.provision == b.provision:
            continue
        names = sorted({qa.name for qa in a.qualifications for qb in b.qualifications
                        if qa.name == qb.name and (qa.level is None or qb.level is None or qa.level == qb.level)})
        for name in names:
            qdef = rules.qualifications[name]
            la = Msg.join("/", [_LEVEL_TEXT[q.level] for q in a.qualifications if q.name == name])
            lb = Msg.join("/", [_LEVEL_TEXT[q.level] for q in b.qualifications if q.name == name])
            reason = M("the same honour {label} is rewarded twice: by {x} {xname} (provision {xp}, {la}) and by {y} "
                       "{yname} (provision {yp}, {lb})", label=qdef.label, x=x, xname=a.name, xp=a.provision, la=la,
                       y=y, yname=b.name, yp=b.provision, lb=lb)
            add("same_qualification", f"qualification:{name}", reason, x, y)

    # same_cost_base: a share of the same kind of spend, in different provisions.
    for x, y in combinations(incs, 2):
        a, b = incs[x], incs[y]
        cb = config.cost_base_of(a)
        if a.provision == b.provision or cb is None or config.cost_base_of(b) is not cb:
            continue

        def share(inc: Incentive) -> str:
            rates = [t.rate_percent for t in inc.tiers if t.rate_percent is not None] + \
                [p.rate_percent for p in inc.phases]  # a phased rate: 95% then 50%
            rate = f"{num(inc.rate_percent)}%" if inc.rate_percent is not None else (
                f"{num(min(rates))}–{num(max(rates))}%" if rates else M("a share"))
            return M("{id} pays {rate} of {label}", id=inc.id, rate=rate, label=rules.metrics[inc.rate_base].label)

        reason = M("{label}: {reason} ({a}; {b})", label=cb.label, reason=cb.reason, a=share(a), b=share(b))
        add("same_cost_base", f"cost_base:{cb.name}", reason, x, y)

    # defers_to and validity: 按…政策执行.
    offered: dict[int, list[str]] = defaultdict(list)
    for iid in incs:
        offered[sides[iid].policy].append(iid)
    policies = {p["number"]: p for _, p in nodes_with_label(graph, "Policy")}
    by_document: dict[str, list[str]] = defaultdict(list)
    for iid, inc in incs.items():
        d = inc.defers_to
        if d is None:
            continue
        if d.document:
            by_document[d.document].append(iid)
            continue
        if d.policy is None or d.policy not in policies:
            continue
        targets = deferral_targets(inc, [incs[t] for t in offered[d.policy] if t != iid])
        pol = policies[d.policy]
        own = sides[iid]
        for t in targets:
            reason = M("{iid} {name} pays under policy {policy} 《{title}》, whose award in this compilation is "
                       "{t} {tname}: the same money, not a second award", iid=iid, name=inc.name, policy=d.policy,
                       title=pol["title"], t=t, tname=incs[t].name)
            add("defers_to", f"policy:{d.policy}", reason, iid, t, rule_quote=d.quote)
            until = pol.get("effective_until")
            if until and (own.effective_until is None or own.effective_until > until):
                start = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
                reason = M("{iid} {name} (policy {own}, in force until {own_until}) pays under policy {policy}, which "
                           "expired after {until}: from {start} it points at {t} {tname}, an award no longer in force",
                           iid=iid, name=inc.name, own=own.policy, own_until=own.effective_until or M("open"),
                           policy=d.policy, until=until, start=start, t=t, tname=incs[t].name)
                add("validity", f"policy:{d.policy}", reason, iid, t, rule_quote=pol.get("validity_text"),
                    window_from=start, window_until=own.effective_until)
    for doc, ids in by_document.items():
        for x, y in combinations(ids, 2):
            if incs[x].provision == incs[y].provision:
                continue
            reason = M("{x} {xname} and {y} {yname} both pay under {doc}: one programme, reached from two provisions",
                       x=x, xname=incs[x].name, y=y, yname=incs[y].name, doc=doc)
            add("defers_to", f"document:{doc}", reason, x, y,
                rule_quote=f"{incs[x].defers_to.quote} / {incs[y].defers_to.quote}")
    return sort_overlaps(out)


def deferral_targets(inc: Incentive, candidates: Sequence[Incentive]) -> list[str]:
    """The target policy's incentives a deferral points at: those of its project kind, if any, else all."""
    same = [c.id for c in candidates if inc.project_kind and c.project_kind == inc.project_kind]
    return same or [c.id for c in candidates]


def sort_overlaps(overlaps: Iterable[Overlap]) -> list[Overlap]:
    """By kind (KINDS order), then stake, largest first (none last), then ids."""
    return sorted(overlaps, key=lambda o: (KINDS.index(o.kind), o.stake_wan is None, -(o.stake_wan or 0),
                                           id_key(o.a.incentive), id_key(o.b.incentive), o.rule))


def overlap_edge_key(o: Overlap) -> str:
    """The networkx key of an OVERLAPS edge: two incentives may overlap in several ways."""
    return f"OVERLAPS:{o.kind}:{o.rule}"


def add_overlaps(graph, rules: Rules | None = None) -> int:
    """Add ``(:Incentive)-[:OVERLAPS {kind, rule, reason, ...}]->(:Incentive)`` edges; return how many."""
    overlaps = detect_overlaps(graph, rules)
    for o in overlaps:
        graph.add_edge(incentive_uid(o.a.incentive), incentive_uid(o.b.incentive), key=overlap_edge_key(o),
                       type="OVERLAPS", props=o.edge_props())
    return len(overlaps)


def graph_overlaps(graph, rules: Rules | None = None) -> list[Overlap]:
    """The overlaps of `graph`, read back from its OVERLAPS edges (`load_graph` adds them), sorted.

    Equal to ``detect_overlaps(graph, rules)`` without detecting again. A graph with no
    OVERLAPS edges (built without them, or by hand) is analysed with `detect_overlaps`.
    """
    edges = [(u, v, d["props"]) for u, v, d in graph.edges(data=True) if d.get("type") == "OVERLAPS"]
    if not edges:
        return detect_overlaps(graph, rules)
    sides = _sides(graph, rules or load_rules())
    out = []
    for u, v, p in edges:
        a, b = sides[graph.nodes[u]["props"]["id"]], sides[graph.nodes[v]["props"]["id"]]
        out.append(Overlap(p["kind"], p["rule"], p["reason"], a, b, rule_quote=p.get("rule_quote"),
                           stake_wan=p.get("stake_wan"), window_from=p.get("window_from"),
                           window_until=p.get("window_until")))
    return sort_overlaps(out)


def check_kind(kind: str | None) -> None:
    """An overlap kind, or an InputError naming `--kind` and the kinds."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind {kind!r}: not an overlap kind; use one of {', '.join(KINDS)}")


def overlaps_in_graph(graph) -> list[dict]:
    """The OVERLAPS edges of a graph as rows (kind, rule, from, to, props)."""
    rows = []
    for u, v, d in graph.edges(data=True):
        if d.get("type") == "OVERLAPS":
            rows.append({"from": graph.nodes[u]["props"]["id"], "to": graph.nodes[v]["props"]["id"], **d["props"]})
    return rows
