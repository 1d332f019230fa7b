"""Which awards an enterprise can claim on a date, how much, and why (not): the embedded engine.

`Engine(rules, graph)` compiles the rules once: each incentive becomes a
`CompiledIncentive` (its checks as plain ``metric op threshold`` tuples, its tiers,
its amount formula and limits, its policy's validity and the provision's agencies
from the graph). `Engine.evaluate(profile, as_of)` then only reads the profile, so
a batch matcher can run the same compiled checks column-wise.

Statuses, in the order they are decided (docs/profile.md has the full semantics):

``expired``         the policy is not in force on ``as_of`` (checked first; both validity
                    dates are inclusive, so the last day still counts);
``not_eligible``    a criterion fails (with the gap), a required qualification is
                    missing (or, for a 首次 award, obtained before its policy came into
                    force), the recipient is not the enterprise, the industry does not
                    match, or an earlier award rules it out (首次, 3年内不重复, 每年只享受一项,
                    a cap used up, 最长N年);
``missing_data``    a criterion or the amount needs a profile field that is absent
                    (the fields are named; a 首次 award asks when its title was obtained);
``needs_selection`` every stated criterion is met but the award is competitive
                    (评选/择优/认定/名额), a threshold is not stated in the text, or the
                    city only encourages the districts to pay it (payer: district);
``eligible``        otherwise.

Amounts are in 万元 with their arithmetic as text; ``amount_is_ceiling`` is true where the
text says 最高/不超过 of the amount itself (or of a rate). No threshold or amount is
written here: they all come from ``data/incentives.yaml``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from policykg.engine.combination import claimable_totals
from policykg.engine.profile import (HeldQualification, PriorAward, Profile, Project, Vocabulary, load_profile,
                                     parse_profile)
from policykg.rules.incentives import Incentive, Rules, Tier, load_rules
from policykg.errors import DataError
from policykg.graph.load import load_graph
from policykg.graph.model import nodes_with_label, policy_uid, provision_uid
from policykg.rules.validity import validity_status
from policykg.rules.words import LEVEL_TEXT as _LEVEL_TEXT
from policykg.rules.words import OP_TEXT as _OP_TEXT
from policykg.rules.words import TOLERANCE, num

STATUSES = ("eligible", "needs_selection", "not_eligible", "missing_data", "expired")

#: Derived metrics: how to compute a `computed_from` metric when the profile leaves it out.
#: (Formulas, not thresholds: data/metrics.yaml names the inputs and describes each formula.)
DERIVED: dict[str, Callable[..., float | None]] = {
    "revenue_growth": lambda revenue, revenue_prev: (revenue - revenue_prev) / revenue_prev * 100 if revenue_prev else None,
    "revenue_increase": lambda revenue, revenue_prev: revenue - revenue_prev,
    "rd_ratio": lambda rd_spend, revenue_prev: rd_spend / revenue_prev * 100 if revenue_prev else None,
}

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}
_EPS = TOLERANCE
#: Why an award the city text only encourages the districts to pay (payer: district) is never a claim.
DISTRICT_DISCRETION = "at the district's discretion (the city encourages districts to pay; ask the district)"
#: Recipients that are never the enterprise itself, with the reason the engine gives.
NOT_ENTERPRISE = {
    "district_government": "paid to the district government (区、县(市)政府), not to the enterprise",
    "institution": "paid to an institution or body named in the text, not to an enterprise",
    "public": "a public measure, not an award to an enterprise",
}


def _req_name(q) -> str:
    """A required qualification as people read it: 国家鼓励的重点软件企业 (国家级)."""
    return f"{q.name}" + (f" ({_LEVEL_TEXT.get(q.level, q.level)})" if q.level else "")


# --------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class Check:
    """One threshold, ready to apply: ``metric op value`` in canonical units."""

    metric: str  # key in data/metrics.yaml ("project.<field>" for project metrics)
    op: str
    value: float | bool
    label: str  # the metric's Chinese label
    unit: str  # the unit the text wrote (for messages)
    factor: float  # canonical per written unit
    quote: str


@dataclass(frozen=True)
class CompiledIncentive:
    """An incentive with everything `evaluate` needs resolved once (graph facts included)."""

    rule: Incentive
    policy: int
    policy_title: str
    effective_from: str | None
    effective_until: str | None
    agencies: tuple[str, ...]  # lead, in the order the text names them
    cooperating: tuple[str, ...]
    checks: tuple[Check, ...]
    unstated: tuple[str, ...]  # quotes of criteria without a threshold
    groups: tuple[str, ...]  # limit groups it belongs to

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass
class Result:
    """The answer for one incentive (and one project, for project-level incentives)."""

    incentive: str
    name: str
    seq: int  # the provision's seq (1..48)
    policy: int
    policy_title: str
    status: str
    amount_wan: float | None
    amount_is_ceiling: bool
    arithmetic: str | None
    explanation: str
    project: str | None = None
    reasons: list[str] = field(default_factory=list)  # why not (failed criteria with the gap)
    missing: list[str] = field(default_factory=list)  # profile fields to add
    next_tier: str | None = None
    quote: str = ""
    kind: str = ""
    basis: str = ""
    payer: str = ""
    recipient: str = ""
    frequency: str = ""
    selection: str | None = None
    agencies: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    effective_from: str | None = None
    effective_until: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Evaluation:
    """All results for one profile on one day, with the totals that can be claimed."""

    profile: str
    as_of: date
    results: list[Result]
    warnings: list[str] = field(default_factory=list)
    #: Totals under the text's shared limits (`policykg.engine.overlaps.claimable_totals`), when
    #: computed: a shared yearly cap paid once, one award of an exclusive group.
    together: dict | None = None

    def by_status(self, status: str) -> list[Result]:
        return [r for r in self.results if r.status == status]

    @property
    def total_eligible_wan(self) -> float:
        """What the `eligible` awards pay together (each alone, summed, when `together` is unset)."""
        if self.together is not None:
            return self.together["eligible_wan"]
        return round(sum(r.amount_wan for r in self.by_status("eligible") if r.amount_wan is not None), 4)

    @property
    def total_needs_selection_wan(self) -> float:
        """What the `needs_selection` awards could add, up to (summed when `together` is unset)."""
        if self.together is not None:
            return self.together["up_to_more_wan"]
        return round(sum(r.amount_wan for r in self.by_status("needs_selection") if r.amount_wan is not None), 4)

    def to_dict(self) -> dict:
        return {
            "profile": self.profile,
            "as_of": self.as_of.isoformat(),
            "totals": {
                "eligible_wan": self.total_eligible_wan,
                "needs_selection_up_to_wan": self.total_needs_selection_wan,
                **({"eligible_each_alone_wan": self.together["each_alone_eligible_wan"]} if self.together else {}),
                "counts": {s: len(self.by_status(s)) for s in STATUSES},
            },
            "warnings": list(self.warnings),
            "results": [r.to_dict() for r in self.results],
        }


# --------------------------------------------------------------------------- the engine


class Engine:
    """Rules compiled against the graph once; `evaluate` answers for any number of profiles."""

    def __init__(self, rules: Rules | None = None, graph=None):
        if graph is None:
            # The compilation's own facts are all it reads (provisions, policies, agencies,
            # industries): no Incentive nodes or OVERLAPS edges to build.
            graph = load_graph(rules=False)
        self.rules = rules or load_rules()
        self.vocabulary = Vocabulary.from_rules(self.rules)
        self.industries = frozenset(p["name"] for _, p in nodes_with_label(graph, "Industry"))
        compiled = []
        for inc in self.rules.incentives:
            vuid = provision_uid(inc.provision)
            if vuid not in graph:
                raise DataError(f"{self.rules.path}: incentive {inc.id}: provision {inc.provision} is not in the graph")
            v = graph.nodes[vuid]["props"]
            p = graph.nodes[policy_uid(v["policy_number"])]["props"]
            resp = sorted(
                (d["props"]["position"], d["props"]["role"], graph.nodes[t]["props"]["name"])
                for _, t, k, d in graph.out_edges(vuid, keys=True, data=True) if k == "RESPONSIBLE"
            )
            compiled.append(CompiledIncentive(
                rule=inc,
                policy=p["number"],
                policy_title=p["title"],
                effective_from=inc.effective_from.isoformat() if inc.effective_from else p.get("effective_from"),
                effective_until=inc.effective_until.isoformat() if inc.effective_until else p.get("effective_until"),
                agencies=tuple(n for _, role, n in resp if role == "lead"),
                cooperating=tuple(n for _, role, n in resp if role == "cooperating"),
                checks=tuple(self._check(c) for c in inc.criteria if c.stated),
                unstated=tuple(c.quote for c in inc.criteria if not c.stated),
                groups=tuple(lim.group for lim in inc.limits if lim.group),
            ))
        self.compiled: tuple[CompiledIncentive, ...] = tuple(compiled)
        self.by_id = {c.id: c for c in self.compiled}
        members: dict[str, list[str]] = defaultdict(list)
        for c in self.compiled:
            for g in c.groups:
                members[g].append(c.id)
        self.group_members: dict[str, tuple[str, ...]] = {g: tuple(ids) for g, ids in members.items()}

    def _check(self, c) -> Check:
        m = self.rules.metrics[c.metric]
        unit = c.unit_as_written or c.unit or ""
        factor = self.rules.units.get(m.dimension, {}).get(unit, 1) if unit else 1
        return Check(c.metric, c.op, c.value, m.label, unit, factor, c.quote)

    # -- profiles

    def load_profile(self, path) -> Profile:
        """Read and validate a profile file against these rules' vocabulary."""
        return load_profile(path, self.vocabulary)

    def parse_profile(self, doc: Any, source: str = "profile") -> Profile:
        return parse_profile(doc, self.vocabulary, source)

    def as_profile(self, profile: Profile | str | Any) -> Profile:
        """A `Profile` as is; a path (str or Path) read with `load_profile`; a mapping parsed."""
        from pathlib import Path

        if isinstance(profile, Profile):
            return profile
        if isinstance(profile, (str, Path)):
            return self.load_profile(profile)
        return self.parse_profile(profile)

    def limit_scope(self, incentive_id: str, lim) -> tuple[str, ...]:
        """The incentives whose awards a limit counts over: its group's members, else the incentive alone."""
        return self.group_members.get(lim.group, (incentive_id,)) if lim.group else (incentive_id,)

    # -- evaluation

    def evaluate(self, profile: Profile, as_of: date | None = None) -> Evaluation:
        """Every incentive (per project where the recipient is a project) for `profile` on `as_of`.

        `as_of` defaults to the profile's own as_of, else today.
        """
        day = as_of or profile.as_of or date.today()
        awards = self.resolve_awards(profile)
        warnings = [f"{profile.source}: industries: {name!r} is not an industry section of the compilation "
                    f"(known: {', '.join(sorted(self.industries))})"
                    for name in profile.industries if name not in self.industries]
        for q in profile.qualifications:
            if q.date and q.date > day:
                warnings.append(f"{profile.source}: qualification {q.name} dated {q.date} is after {day}; not counted")
        results: list[Result] = []
        for c in self.compiled:
            if c.rule.per_project:
                projects = [p for p in profile.projects
                            if p.kind == c.rule.project_kind and (not p.incentives or c.id in p.incentives)]
                for project in projects or [None]:
                    results.append(_Evaluator(self, c, profile, day, awards, project).run())
            else:
                results.append(_Evaluator(self, c, profile, day, awards, None).run())
        return Evaluation(profile.name, day, results, warnings)

    def profile_params(self, profile: Profile) -> dict:
        """One profile as plain data for the Cypher `eligibility` query (an item of `$profiles`).

        Canonical units; derived metrics (营收增速 from 营收 and 上年度营收, ...) filled in the
        way `evaluate` derives them; every prior award resolved to its incentive id.
        """
        doc = profile.to_dict()
        metrics = dict(doc["metrics"])
        for key, m in self.rules.metrics.items():
            if key not in metrics and m.scope == "enterprise" and m.computed_from and key in DERIVED:
                inputs = [metrics.get(k) for k in m.computed_from]
                if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in inputs):
                    out = DERIVED[key](*inputs)
                    if out is not None:
                        metrics[key] = round(out, 6)
        doc["metrics"] = metrics
        awards = self.resolve_awards(profile)
        doc["awards"] = [
            {"incentive": iid, "year": a.year, "amount_wan": a.amount_wan, "level": a.level, "project": a.project}
            for iid, items in awards.items() for a in items
        ]
        return doc

    def resolve_awards(self, profile: Profile) -> dict[str, list[PriorAward]]:
        """Prior awards by incentive id; an award named by provision must be unambiguous."""
        out: dict[str, list[PriorAward]] = defaultdict(list)
        for a in profile.awards:
            if a.incentive is not None:
                if a.incentive not in self.by_id:
                    raise DataError(f"{profile.source}: {a.where}.incentive: no incentive {a.incentive!r} in "
                                    f"{self.rules.path}")
                out[a.incentive].append(a)
                continue
            ids = [c.id for c in self.compiled if c.rule.provision == a.provision]
            if len(ids) != 1:
                which = f"it has {', '.join(ids)}" if ids else "it has no incentive"
                raise DataError(f"{profile.source}: {a.where}.provision: provision {a.provision} does not name one "
                                f"award ({which}); give incentive instead")
            out[ids[0]].append(a)
        return out


class _Evaluator:
    """One incentive × one profile (× one project): collects reasons, gaps and the amount."""

    def __init__(self, engine: Engine, c: CompiledIncentive, profile: Profile, day: date,
                 awards: dict[str, list[PriorAward]], project: Project | None):
        self.e, self.c, self.inc, self.profile, self.day = engine, c, c.rule, profile, day
        self.project = project
        self.all_awards = awards
        self.reasons: list[str] = []
        self.missing: list[str] = []
        self.notes: list[str] = []
        self.met: list[str] = []
        self.selection: str | None = None
        self.steps: list[str] = []  # the amount's arithmetic
        self.ceiling = False
        self.next_tier: str | None = None

    # -- profile access

    def awards_of(self, incentive_id: str, per: str | None = None) -> list[PriorAward]:
        """Prior awards of an incentive that count here, up to `as_of`'s year.

        For a project-level incentive, that project's awards and those naming no project,
        unless the limit is per enterprise (``per: enterprise``): then all of them.
        """
        out = [a for a in self.all_awards.get(incentive_id, []) if a.year <= self.day.year]
        if self.project is not None and per != "enterprise":
            out = [a for a in out if a.project is None or a.project == self.project.name]
        return out

    def value(self, key: str) -> float | bool | None:
        m = self.e.rules.metrics[key]
        if m.scope == "project":
            if self.project is None:
                return None
            q = self.project.metrics.get(m.field)
            return q.value if q else None
        q = self.profile.metrics.get(key)
        if q is not None:
            return q.value
        if m.computed_from and key in DERIVED:
            inputs = [self.value(k) for k in m.computed_from]
            if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in inputs):
                out = DERIVED[key](*inputs)
                return round(out, 6) if out is not None else None
        return None

    def field_name(self, key: str) -> str:
        """The profile field to add for a metric, e.g. ``metrics.revenue_prev (上年度营业收入)``."""
        m = self.e.rules.metrics[key]
        if m.scope == "project":
            kind = self.e.rules.project_kinds[self.inc.project_kind]
            if self.project is None:
                return f"projects: one of kind {kind.key} ({kind.label}) with metrics.{m.field} ({m.label})"
            return f"{self.project.where}.metrics.{m.field} ({m.label})"
        text = f"metrics.{key} ({m.label})"
        if m.computed_from:
            text += " or " + " and ".join(f"metrics.{k}" for k in m.computed_from)
        return text

    def show(self, key: str, value: float | bool, unit: str | None = None) -> str:
        """A canonical value in `unit` (or the metric's canonical unit), e.g. 1.6亿元."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        m = self.e.rules.metrics[key]
        table = self.e.rules.units.get(m.dimension, {})
        unit = unit if unit in table else next(iter(table), "")
        if unit == "TOP":  # written before the number: TOP10
            return f"TOP{num(value)}"
        return f"{num(value / table.get(unit, 1))}{unit}"

    def held(self, name: str, level: str | None) -> bool:
        return bool(self.held_entries(name, level))

    # -- the steps

    def run(self) -> Result:
        c, inc = self.c, self.inc
        status_expired = self.expiry()
        if status_expired:
            return self.result("expired", None, status_expired)
        self.recipient()
        if inc.per_project and self.project is None:
            # An award for a project, product, app or licence needs one in the profile: without it
            # there is nothing to pay for, however few conditions the text states.
            kind = self.e.rules.project_kinds[inc.project_kind]
            self.missing.append(f"projects: one of kind {kind.key} ({kind.label})")
        self.industry()
        self.qualifications()
        for chk in c.checks:
            self.apply(chk)
        if c.unstated:
            self.selection = "threshold not stated in this text (set by the agency): " + "; ".join(c.unstated)
        if inc.selection is not None:
            sel = inc.selection
            what = sel.method or "selection"
            self.selection = (f"{what}: {sel.quote}" + (f"; {self.selection}" if self.selection else ""))
        amount = self.amount()
        if inc.payer == "district":
            # 鼓励区、县(市)…给予: the city asks the districts to pay; no enterprise has a claim on it.
            self.selection = DISTRICT_DISCRETION + (f"; {self.selection}" if self.selection else "")
        amount = self.limits(amount)
        if self.reasons:
            status = "not_eligible"
        elif self.missing:
            status = "missing_data"
        elif self.selection:
            status = "needs_selection"
        else:
            status = "eligible"
        if status in ("not_eligible",) and amount is not None and not self.steps:
            amount = None
        return self.result(status, amount)

    def expiry(self) -> str | None:
        until, start = self.c.effective_until, self.c.effective_from
        state = validity_status(start, until, self.day)
        where = f"policy {self.c.policy} 《{self.c.policy_title}》"
        if state == "expired":
            return f"{where} was in force until {until} (as of {self.day.isoformat()})"
        if state == "not_yet":
            return f"{where} is in force only from {start} (as of {self.day.isoformat()})"
        return None

    def recipient(self) -> None:
        reason = NOT_ENTERPRISE.get(self.inc.recipient)
        if reason:
            self.reasons.append(reason)

    def industry(self) -> None:
        wanted = self.inc.industries
        if not wanted:
            return
        have = self.profile.industries
        if not have:
            self.missing.append(f"industries (this award is for {', '.join(wanted)})")
            return
        if set(wanted) & set(have):
            self.met.append(f"industry {'/'.join(sorted(set(wanted) & set(have)))}")
            return
        unknown = [h for h in have if h not in self.e.industries]
        extra = (f"; {', '.join(repr(u) for u in unknown)} is not an industry section of the compilation"
                 if unknown else "")
        self.reasons.append(f"for {', '.join(wanted)} only; the profile's industries are {', '.join(have)}{extra}")

    def held_entries(self, name: str, level: str | None) -> list[tuple[str, HeldQualification]]:
        """(profile field, entry) of each held entry of `name` (at `level`; any when None), dated up to as-of."""
        entries = [(f"qualifications[{k}]", q) for k, q in enumerate(self.profile.qualifications)]
        if self.project is not None:
            entries += [(f"{self.project.where}.qualifications[{k}]", q)
                        for k, q in enumerate(self.project.qualifications)]
        return [(w, q) for w, q in entries
                if q.name == name and (level is None or q.level == level) and (q.date is None or q.date <= self.day)]

    def requirement(self, q) -> tuple[str, str]:
        """One required qualification: (state, detail).

        ``held``; ``absent``; and for a 首次 award (``first_time``) whose policy states its start,
        ``before`` (an entry obtained before the policy came into force: detail says when) or
        ``undated`` (held, but no entry says when it was obtained: detail names the fields).
        """
        entries = self.held_entries(q.name, q.level)
        if not entries:
            return "absent", ""
        since = self.c.effective_from if self.inc.first_time else None
        if since is None:
            return "held", ""
        start = date.fromisoformat(since)
        early = sorted(e.date for _, e in entries if e.date is not None and e.date < start)
        if early:
            return "before", (f"{_req_name(q)} obtained on {early[0].isoformat()}, before policy {self.c.policy} "
                              f"came into force on {since}; 首次 awards pay a first selection made while the "
                              "policy is in force")
        undated = [w for w, e in entries if e.date is None]
        if undated:
            return "undated", "; ".join(
                f"{w}.date (when {q.name} was obtained: 首次 pays a first selection made on or after {since})"
                for w in undated)
        return "held", ""

    def qualifications(self) -> None:
        """Every clause met (an entry without a group; any one entry of a group or of a mode-any list).

        A clause with an entry held is met; else one whose entry is held but undated asks for the date
        (``missing_data``); else it fails, saying what is missing or obtained too early.
        """
        for clause in self.inc.qualification_clauses:
            states = [(q, *self.requirement(q)) for q in clause]
            held = [q for q, state, _ in states if state == "held"]
            if held:
                self.met.append(f"holds {_req_name(held[0])}")
                continue
            undated = [detail for _, state, detail in states if state == "undated"]
            if undated:
                self.missing.extend(undated)
                continue
            early = [detail for _, state, detail in states if state == "before"]
            if len(clause) == 1:
                q = clause[0]
                self.reasons.append(early[0] if early
                                    else f"needs {_req_name(q)} ({q.quote}); the profile does not list it")
            else:
                which = ", ".join(_req_name(q) for q in clause)
                self.reasons.append(f"needs one of {which}; "
                                    + ("; ".join(early) if early else "the profile lists none"))

    def apply(self, chk: Check) -> None:
        v = self.value(chk.metric)
        if v is None:
            self.missing.append(self.field_name(chk.metric))
            return
        if isinstance(chk.value, bool) or isinstance(v, bool):
            if v == chk.value:
                self.met.append(f"{chk.label}: {num(v)}")
            else:
                self.reasons.append(f"{chk.label}: {num(v)}, needs {num(chk.value)} ({chk.quote})")
            return
        passed = _OPS[chk.op](round(v, 6) + 0.0, round(chk.value, 6) + 0.0)
        shown = f"{self.show(chk.metric, v, chk.unit)}"
        need = f"{_OP_TEXT[chk.op]} {self.show(chk.metric, chk.value, chk.unit)}"
        if passed:
            self.met.append(f"{chk.label} {shown} {need}")
        else:
            self.reasons.append(f"{chk.label} {shown}, needs {need} ({chk.quote})")

    # -- amounts

    def amount(self) -> float | None:
        inc = self.inc
        if inc.basis == "fixed":
            self.ceiling = inc.ceiling
            self.steps.append(f"{num(inc.amount_wan)}")
            return float(inc.amount_wan)
        if inc.basis == "tiers":
            return self.tiered()
        if inc.basis in ("rate", "matching"):
            return self.rated(inc.rate_percent, inc.rate_ceiling)
        if inc.basis == "defers_to":
            # The other policy sets both the conditions and the amount: a candidate, not a recipient.
            self.selection = f"conditions and amount are set by {inc.defers_to.target}, not in this text"
            self.notes.append(f"paid under {inc.defers_to.target} ({inc.defers_to.quote})")
        elif inc.basis == "non_monetary":
            self.notes.append(f"not money: {inc.note}")
        else:
            self.notes.append("amount not stated in this text" + (f" ({inc.note})" if inc.note else ""))
        return None

    def base(self) -> float | None:
        """The rate's base in 万元 (P3: only the part above a share of another metric), steps noted."""
        inc = self.inc
        b = self.value(inc.rate_base)
        label = self.e.rules.metrics[inc.rate_base].label
        if b is None:
            self.missing.append(self.field_name(inc.rate_base))
            return None
        ex = inc.rate_base_excess_over
        if ex is None:
            self._base_text = f"{label} {num(b)}"
            if b <= 0:
                # A share of nothing (营收增量 after a fall in revenue) pays nothing.
                self.reasons.append(f"{label} {num(b)} gives no base for the {num(inc.rate_percent)}% award")
                return None
            return float(b)
        other = self.value(ex.metric)
        if other is None:
            self.missing.append(self.field_name(ex.metric))
            return None
        olabel = self.e.rules.metrics[ex.metric].label
        part = max(0.0, b - ex.percent / 100 * other)
        self._base_text = f"({label} {num(b)} − {num(ex.percent)}% × {olabel} {num(other)} = {num(part)})"
        return part

    def rated(self, rate: float, rate_ceiling: bool) -> float | None:
        base = self.base()
        if base is None:
            return None
        self.ceiling = self.ceiling or rate_ceiling
        raw = rate / 100 * base
        text = f"{num(rate)}% × {self._base_text}"
        cap = self.inc.cap_wan
        if cap is not None:
            out = min(raw, cap)
            self.steps.append(f"min({text}, {num(cap)}) = {num(out)}")
            if raw > cap + _EPS:
                self.notes.append(f"the cap of {num(cap)}万元 binds")
            return round(out, 4)
        self.steps.append(f"{text} = {num(raw)}")
        return round(raw, 4)

    def tier_reached(self, t: Tier) -> bool | None:
        """True/False, or None when the tier metric is missing."""
        if t.qualification is not None and not self.held(t.qualification, t.level):
            return False
        if t.min is not None:
            v = self.value(self.inc.tier_metric)
            if v is None:
                return None
            op = _OPS[self.inc.tier_op]
            return op(round(v, 6), round(t.min, 6))
        return True

    def tier_text(self, t: Tier) -> str:
        parts = []
        if t.min is not None:
            m = self.e.rules.metrics[self.inc.tier_metric]
            parts.append(f"{m.label} {_OP_TEXT[self.inc.tier_op]} {self.show(m.key, t.min, t.unit_as_written)}")
        if t.qualification is not None:
            parts.append(f"{_LEVEL_TEXT.get(t.level, '') if t.level else ''}{t.qualification}")
        return " and ".join(parts) or t.label

    def tier_amount(self, t: Tier) -> tuple[float | None, str]:
        if t.amount_wan is not None:
            return float(t.amount_wan), num(t.amount_wan)
        base = self.value(self.inc.rate_base)
        if base is None:
            return None, ""
        raw = t.rate_percent / 100 * base
        label = self.e.rules.metrics[self.inc.rate_base].label
        return raw, f"{num(t.rate_percent)}% × {label} {num(base)}"

    def tiered(self) -> float | None:
        inc = self.inc
        reached = [(i, t, self.tier_reached(t)) for i, t in enumerate(inc.tiers)]
        if any(r is None for _, _, r in reached) and not any(r for _, _, r in reached):
            self.missing.append(self.field_name(inc.tier_metric))
            return None
        hits = [(i, t) for i, t, r in reached if r]
        if not hits:
            lowest = min(inc.tiers, key=lambda t: (t.min or 0, t.amount_wan or t.rate_percent or 0))
            v = self.value(inc.tier_metric) if inc.tier_metric else None
            if self.reasons:
                pass  # a missing qualification already says why
            elif v is not None and lowest.min is not None:
                m = self.e.rules.metrics[inc.tier_metric]
                self.reasons.append(f"{m.label} {self.show(m.key, v, lowest.unit_as_written)}, needs "
                                    f"{self.tier_text(lowest)} (lowest level: {lowest.label})")
            else:
                self.reasons.append("reaches no level: needs " + " or ".join(self.tier_text(t) for t in inc.tiers))
            return None
        if any(t.rate_percent is not None for _, t in hits) and self.value(inc.rate_base) is None:
            self.missing.append(self.field_name(inc.rate_base))
            return None
        scored = [(self.tier_amount(t), i, t) for i, t in hits]
        (amount, text), idx, tier = max(scored, key=lambda s: (s[0][0] or 0, s[1]))
        self.tier = tier
        self.met.append(f"level {tier.label}")
        self.ceiling = inc.ceiling
        # The next level up: one that pays more than this and is not yet reached.
        ups = [(self.tier_amount(t)[0], t) for t, r in ((t, r) for _, t, r in reached) if not r]
        ups = [(a, t) for a, t in ups if a is not None and a > amount + _EPS]
        if ups:
            nxt_amount, nxt = min(ups, key=lambda u: u[0])
            if nxt.rate_percent is not None:
                self.next_tier = f"{self.tier_text(nxt)} would raise the rate to {num(nxt.rate_percent)}% (level {nxt.label})"
            else:
                self.next_tier = (f"{self.tier_text(nxt)} would move you to {num(nxt_amount)}万元 "
                                  f"(+{num(nxt_amount - amount)}万元; level {nxt.label})")
        if inc.cap_wan is not None and amount > inc.cap_wan + _EPS:
            self.steps.append(f"min({text}, {num(inc.cap_wan)}) = {num(inc.cap_wan)}")
            self.notes.append(f"the cap of {num(inc.cap_wan)}万元 binds")
            return float(inc.cap_wan)
        self.steps.append(f"{tier.label}: {text}" + ("" if text == num(amount) else f" = {num(amount)}"))
        return round(amount, 4)

    # -- limits from the text and from earlier awards

    def limits(self, amount: float | None) -> float | None:
        inc = self.inc
        own = self.awards_of(inc.id)
        tier = getattr(self, "tier", None)
        tier_amount = None
        if tier is not None and amount is not None:
            tier_amount = amount
        if inc.first_time and own:
            if tier_amount is not None:
                higher = [a for a in own if a.amount_wan >= tier_amount - _EPS
                          or (a.level is not None and a.level in (tier.label, tier.level))]
                if higher:
                    a = higher[0]
                    self.reasons.append(f"already received {num(a.amount_wan)}万元 in {a.year} at this level or higher; "
                                        f"首次 pays each level once ({a.where})")
            else:
                a = own[0]
                self.reasons.append(f"already received in {a.year} ({num(a.amount_wan)}万元, {a.where}); "
                                    "paid the first time only (首次)")
        # 一次性 is paid once (shared/glossary.md), unless the text says when it repeats: 首次 (each level),
        # 进档差额 (the difference), N年内不重复 (after the window).
        # For an item (licence, app) only an award naming that item: one naming none may be for another item.
        paid = [a for a in own if self.project is None or a.project == self.project.name]
        if (inc.frequency == "once" and paid and not inc.first_time and not inc.limit("tier_difference")
                and not inc.limit("no_repeat_years")):
            a = paid[0]
            self.reasons.append(f"already received in {a.year} ({num(a.amount_wan)}万元, {a.where}); "
                                "一次性: paid once")
        if inc.limit("tier_difference") and own and amount is not None and not self.reasons:
            received = sum(a.amount_wan for a in own)
            years = ", ".join(str(a.year) for a in own)
            new = max(0.0, amount - received)
            self.steps.append(f"{num(amount)} − {num(received)} already received ({years}) = {num(new)}")
            if new <= _EPS:
                self.reasons.append(f"already received {num(received)}万元 ({years}); the difference is 0 (进档差额)")
            amount = new
        for lim in inc.limits:
            amount = self.limit(lim, amount, own)
        if inc.max_years and inc.frequency == "yearly":
            years = sorted({a.year for a in own if a.year < self.day.year})
            if len(years) >= inc.max_years:
                self.reasons.append(f"already paid for {len(years)} years ({', '.join(map(str, years))}); "
                                    f"at most {inc.max_years} years")
        return amount

    def limit(self, lim, amount: float | None, own: list[PriorAward]) -> float | None:
        year = self.day.year
        scope = self.e.limit_scope(self.inc.id, lim)
        if lim.kind == "no_repeat_years":
            recent = [a for i in scope for a in self.awards_of(i, lim.per) if year - a.year < lim.years]
            if recent:
                last = max(a.year for a in recent)
                self.reasons.append(f"received in {last}; {lim.quote}: not again before {last + lim.years}")
            elif any(self.awards_of(i) for i in scope):
                self.met.append(f"last award outside the {lim.years}-year window")
        elif lim.kind == "one_per_year":
            taken = [(i, a) for i in scope for a in self.awards_of(i, lim.per) if a.year == year]
            if taken:
                i, a = taken[0]
                self.reasons.append(f"already received {i} in {year} ({a.where}); {lim.quote}")
            others = [i for i in scope if i != self.inc.id]
            if others:
                self.notes.append(f"one per year among {', '.join(scope)} ({lim.quote})")
        elif lim.kind in ("annual_total_cap", "total_cap"):
            annual = lim.kind == "annual_total_cap"
            used_awards = [a for i in scope for a in self.awards_of(i, lim.per) if not annual or a.year == year]
            used = sum(a.amount_wan for a in used_awards)
            remaining = max(0.0, lim.amount_wan - used)
            span = f"in {year}" if annual else "so far"
            if used_awards and remaining <= _EPS:
                self.reasons.append(f"the cap of {num(lim.amount_wan)}万元 ({lim.quote}) is used up: "
                                    f"{num(used)}万元 received {span}")
                return amount
            if amount is not None and amount > remaining + _EPS:
                shown = (f"{num(lim.amount_wan)} − {num(used)} received {span} = {num(remaining)}" if used_awards
                         else num(remaining))
                self.steps.append(f"min({num(amount)}, {shown}) = {num(remaining)}")
                self.notes.append(f"the cap binds: {lim.quote}")
                return remaining
            if used_awards:
                self.notes.append(f"{num(remaining)}万元 left under the cap ({lim.quote})")
        elif lim.kind == "per_item_cap":
            if amount is not None and amount > lim.amount_wan + _EPS:
                self.steps.append(f"min({num(amount)}, {num(lim.amount_wan)} per {lim.per}) = {num(lim.amount_wan)}")
                self.notes.append(f"the per-{lim.per} cap binds: {lim.quote}")
                return float(lim.amount_wan)
        elif lim.kind == "budget":
            self.notes.append(f"from a shared budget: {lim.quote}")
        elif lim.kind == "alternative":
            self.notes.append(f"an alternative to {', '.join(i for i in scope if i != self.inc.id)}: {lim.quote}")
        return amount

    # -- the answer

    def missing_fields(self) -> list[str]:
        """The fields to add, once each; a missing project is named once with all its metrics."""
        out: list[str] = []
        project_metrics: list[str] = []
        prefix = "projects: one of kind "
        head = None
        for m in self.missing:
            if m.startswith(prefix):
                head, _, metric = m.partition(" with ")
                if metric:  # "projects: one of kind X (label)" alone names no metric
                    project_metrics.append(metric)
            elif m not in out:
                out.append(m)
        if head is not None:
            out.append(f"{head} with {', '.join(dict.fromkeys(project_metrics))}" if project_metrics else head)
        return out

    def result(self, status: str, amount: float | None, expired_reason: str | None = None) -> Result:
        c, inc = self.c, self.inc
        if expired_reason:
            explanation = expired_reason
            reasons = [expired_reason]
        else:
            parts = []
            if status == "not_eligible":
                parts.append("; ".join(self.reasons))
            elif status == "missing_data":
                parts.append("add " + "; ".join(self.missing_fields()))
            else:
                if self.met:
                    parts.append("meets: " + ", ".join(self.met))
                if status == "needs_selection":
                    parts.append(self.selection if self.selection.startswith(DISTRICT_DISCRETION)
                                 else f"a candidate only ({self.selection})")
            if status in ("eligible", "needs_selection") and self.steps:
                parts.append("amount: " + "; ".join(self.steps) + "万元" + (" (up to)" if self.ceiling else ""))
            parts.extend(self.notes)
            explanation = ". ".join(p for p in parts if p)
            reasons = list(self.reasons)
        show_amount = amount if status in ("eligible", "needs_selection", "missing_data") else None
        if status == "missing_data":
            show_amount = None
        return Result(
            incentive=inc.id, name=inc.name, seq=inc.provision, policy=c.policy, policy_title=c.policy_title,
            status=status,
            amount_wan=round(show_amount, 4) if show_amount is not None else None,
            amount_is_ceiling=bool(self.ceiling) if show_amount is not None else False,
            arithmetic=("; ".join(self.steps) if self.steps and show_amount is not None else None),
            explanation=explanation,
            project=self.project.name if self.project else None,
            reasons=reasons, missing=self.missing_fields(),
            next_tier=self.next_tier if status in ("eligible", "needs_selection") else None,
            quote=inc.quote, kind=inc.kind, basis=inc.basis, payer=inc.payer, recipient=inc.recipient,
            frequency=inc.frequency, selection=self.selection if status == "needs_selection" else None,
            agencies=list(c.agencies), cooperating=list(c.cooperating),
            effective_from=c.effective_from, effective_until=c.effective_until, notes=list(self.notes),
        )


def evaluate_profile(graph_or_none, profile: Profile | str | Any, as_of: date | None = None,
                     rules: Rules | None = None,
                     evaluate: Callable[[Engine, Profile, date | None], Evaluation] | None = None) -> Evaluation:
    """One-shot: build an `Engine` (bundled rules; the given graph or the bundled one) and evaluate.

    `profile` is a `Profile`, a path to a profile file, or a parsed profile mapping.
    `evaluate` answers in another place than this process (`engine.neo4j_eligibility`
    passes the named `eligibility` Cypher query); the totals are computed here either way.
    For many profiles, build one `Engine` and call `evaluate` on it.
    """
    engine = Engine(rules, graph_or_none)
    prof = engine.as_profile(profile)
    evaluation = engine.evaluate(prof, as_of) if evaluate is None else evaluate(engine, prof, as_of)
    evaluation.together = claimable_totals(engine, prof, evaluation)
    return evaluation


__all__ = ["Check", "CompiledIncentive", "DISTRICT_DISCRETION", "Engine", "Evaluation", "Result", "STATUSES",
           "evaluate_profile", "num"]
