"""The one evaluator: every incentive over a `Population` in columns, with a trace per row.

`Evaluator(rules, graph)` compiles the rules once (each incentive's checks, tiers, amount
formula and limits; its policy's validity and the provision's agencies from the graph).
`Evaluator.blocks(population, day)` then yields one `Block` per incentive: its rows (one per
enterprise; for an incentive paid per project, one per project of its kind and one for each
enterprise with none), the status and amount of every row, and the steps that decided them,
each over whole columns (numpy; prior awards summed per row with `np.bincount`, no Python
loop per row). A single profile is a population of one (`engine.population.from_profile`).

The steps are those of the text, in this order (docs/profile.md has the semantics):

1. validity on the day (``expired``: nothing else is checked);
2. recipient (never an enterprise: district governments, institutions, the public);
3. a project of the incentive's kind, for awards paid per project;
4. industry, qualifications (each clause; 首次 counts titles obtained while in force),
   each stated criterion (value against threshold);
5. the amount: fixed, a tier (the best level reached; the next one up), or a rate of a base,
   with the text's cap;
6. earlier awards and the text's limits: 首次, 一次性, 进档差额, N年内不重复, 每年只享受一项,
   yearly and total caps, per-item caps, 最长N年.

A row's status: ``not_eligible`` when a step gave a reason, else ``missing_data`` when a
step lacked a value, else ``needs_selection`` when the award is competitive (or its
threshold unstated, its amount set elsewhere, or left to the districts), else ``eligible``.

`Block.trace(row)` reads one row's outcome back out of the columns as a `Trace`: every check
passed, failed or lacking data with value and threshold, the tier chosen, the base, the caps
that bound, the status and the amount, and the sentences `policykg eligible` prints. No
threshold or amount is written here: they come from the rules file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterator

import numpy as np

from policykg.engine.population import EPOCH, LEVEL_CODES, NO_DATE, Population, day_number
from policykg.errors import DataError
from policykg.i18n import M, Msg, N_
from policykg.graph.model import nodes_with_label, policy_uid, provision_uid
from policykg.rules.incentives import OTHER_RECIPIENTS, Criterion, Incentive, Rules, Tier
from policykg.rules.validity import validity_status
from policykg.rules.words import LEVEL_TEXT, OP_TEXT, TOLERANCE, num

STATUSES = ("eligible", "needs_selection", "not_eligible", "missing_data", "expired")
ELIGIBLE, NEEDS_SELECTION, NOT_ELIGIBLE, MISSING_DATA, EXPIRED = range(5)
_EPS = TOLERANCE

#: Why an award the city text only encourages the districts to pay (payer: district) is never a claim.
DISTRICT_DISCRETION = M("at the district's discretion (the city encourages districts to pay; ask the district)")
#: Recipients that are never the enterprise itself, with the reason given.
NOT_ENTERPRISE = {
    "district_government": M("paid to the district government (区、县(市)政府), not to the enterprise"),
    "institution": M("paid to an institution or body named in the text, not to an enterprise"),
    "public": M("a public measure, not an award to an enterprise"),
}

#: Derived metrics over columns: how to compute a `computed_from` metric when it is not given
#: (formulas, not thresholds: data/metrics.yaml names the inputs). NaN where there is no value.
DERIVED: dict[str, Callable[..., np.ndarray]] = {
    "revenue_growth": lambda revenue, revenue_prev: _ratio(revenue - revenue_prev, revenue_prev),
    "revenue_increase": lambda revenue, revenue_prev: revenue - revenue_prev,
    "rd_ratio": lambda rd_spend, revenue_prev: _ratio(rd_spend, revenue_prev),
}

_CMP = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "==": np.equal}


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b × 100; NaN where b is 0 or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0) * 100, np.nan)


def _req_name(q) -> str:
    """A required qualification as people read it: 国家鼓励的重点软件企业 (国家级)."""
    if not q.level:
        return q.name
    return M("{name} ({level})", name=q.name, level=LEVEL_TEXT.get(q.level, q.level))


#: The unit a per-item cap counts (limits' ``per``), as a word to read.
PER_WORDS = {"enterprise": N_("enterprise"), "project": N_("project"), "product": N_("product"),
             "participant": N_("participant"), "provider": N_("provider"), "licence": N_("licence"),
             "year": N_("year")}


def _per_word(per) -> Msg:
    return M(PER_WORDS.get(per, per)) if per else ""


def _min(a, b, out) -> Msg:
    """min(a, b) = out: the arithmetic of a cap."""
    return M("min({a}, {b}) = {out}", a=a, b=b, out=out)


def _cap_binds(cap) -> Msg:
    return M("the cap of {cap}万元 binds", cap=num(cap))


def _yes(value) -> Msg:
    return M("yes") if value else M("no")


def _iso(day: int) -> str:
    return date.fromordinal(EPOCH.toordinal() + int(day)).isoformat()


# --------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class Check:
    """One threshold, ready to apply: ``metric op value`` in canonical units."""

    metric: str  # key in the rules' metrics ("project.<field>" for project metrics)
    op: str
    value: float | bool
    label: str  # the metric's Chinese label
    unit: str  # the unit the text wrote (for messages)
    factor: float  # canonical per written unit
    quote: str


@dataclass(frozen=True)
class CompiledIncentive:
    """An incentive with everything the evaluation needs resolved once (graph facts included)."""

    rule: Incentive
    index: int  # in the rules' incentives (prior awards name it by this index)
    policy: int
    policy_title: str
    effective_from: str | None
    effective_until: str | None
    agencies: tuple[str, ...]  # lead, in the order the text names them
    cooperating: tuple[str, ...]
    checks: tuple[Check, ...]
    unstated: tuple[str, ...]  # quotes of criteria without a threshold
    groups: tuple[str, ...]  # limit groups it belongs to
    selection: str | None  # why it is competitive when everything is met (None: not)
    scopes: tuple[tuple[int, ...], ...]  # per limit: the incentive indexes its awards count over

    @property
    def id(self) -> str:
        return self.rule.id


def _selection(inc: Incentive, unstated: tuple[str, ...]) -> str | None:
    """The needs_selection reason, built as the text layers it (threshold unstated; 评选/择优;
    the amount set by another policy replaces both; the districts' discretion goes first)."""
    sel = None
    if unstated:
        sel = M("threshold not stated in this text (set by the agency): {quotes}", quotes=Msg.join("; ", unstated))
    if inc.selection is not None:
        what = inc.selection.method or M("selection")
        head = M("{what}: {quote}", what=what, quote=inc.selection.quote)
        sel = M("{a}; {b}", a=head, b=sel) if sel else head
    if inc.basis == "defers_to":
        sel = M("conditions and amount are set by {target}, not in this text", target=inc.defers_to.target)
    if inc.payer == "district":
        sel = M("{a}; {b}", a=DISTRICT_DISCRETION, b=sel) if sel else DISTRICT_DISCRETION
    return sel


def compile_rules(rules: Rules, graph) -> tuple[CompiledIncentive, ...]:
    """Each incentive with its policy's validity and title and its provision's agencies."""
    members: dict[str, list[int]] = defaultdict(list)
    for k, inc in enumerate(rules.incentives):
        for lim in inc.limits:
            if lim.group:
                members[lim.group].append(k)
    out = []
    for k, inc in enumerate(rules.incentives):
        vuid = provision_uid(inc.provision)
        if vuid not in graph:
            raise DataError(f"{rules.path}: incentive {inc.id}: provision {inc.provision} is not in the graph")
        v = graph.nodes[vuid]["props"]
        p = graph.nodes[policy_uid(v["policy_number"])]["props"]
        resp = sorted(
            (d["props"]["position"], d["props"]["role"], graph.nodes[t]["props"]["name"])
            for _, t, key, d in graph.out_edges(vuid, keys=True, data=True) if key == "RESPONSIBLE"
        )
        checks = []
        for c in inc.criteria:
            if not c.stated:
                continue
            m = rules.metrics[c.metric]
            unit = c.unit_as_written or c.unit or ""
            factor = rules.units.get(m.dimension, {}).get(unit, 1) if unit else 1
            checks.append(Check(c.metric, c.op, c.value, m.label, unit, factor, c.quote))
        unstated = tuple(c.quote for c in inc.criteria if not c.stated)
        out.append(CompiledIncentive(
            rule=inc, index=k, policy=p["number"], policy_title=p["title"],
            effective_from=inc.effective_from.isoformat() if inc.effective_from else p.get("effective_from"),
            effective_until=inc.effective_until.isoformat() if inc.effective_until else p.get("effective_until"),
            agencies=tuple(n for _, role, n in resp if role == "lead"),
            cooperating=tuple(n for _, role, n in resp if role == "cooperating"),
            checks=tuple(checks), unstated=unstated,
            groups=tuple(lim.group for lim in inc.limits if lim.group),
            selection=_selection(inc, unstated),
            scopes=tuple(tuple(members[lim.group]) if lim.group else (k,) for lim in inc.limits),
        ))
    return tuple(out)


# --------------------------------------------------------------------------- the trace of one row


@dataclass
class Trace:
    """One row of one incentive, read back from the evaluation.

    ``checks``: every step in order as plain data -- ``{"step", "state": met|failed|missing|info,
    ...}`` with the value and threshold of each criterion, the tier chosen and the next one, the
    base of a rate, each cap and whether it bound. The lists of sentences are what ``policykg
    eligible`` prints: ``reasons`` (why not), ``missing`` (fields to add), ``met``, ``notes``,
    ``steps`` (the amount's arithmetic).
    """

    incentive: str
    project: str | None
    status: str
    amount_wan: float | None  # as evaluated (after the limits), before status decides if it is shown
    ceiling: bool
    selection: str | None
    expired: str | None = None
    checks: list[dict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    next_tier: str | None = None
    tier: str | None = None

    def missing_fields(self) -> list[str]:
        """The fields to add, once each; a missing project is named once with all its metrics."""
        out: list[str] = []
        project_metrics: list[str] = []
        head = None
        for m in self.missing:
            if isinstance(m, Msg) and m.params.get("project_kind"):
                head = M("projects: one of kind {project_kind} ({kind_label})", project_kind=m.params["project_kind"],
                         kind_label=m.params["kind_label"])
                if "field" in m.params:
                    project_metrics.append(M("metrics.{field} ({label})", field=m.params["field"],
                                             label=m.params["label"]))
            elif m not in out:
                out.append(m)
        if head is not None:
            out.append(M("{head} with {metrics}", head=head,
                         metrics=Msg.join(", ", dict.fromkeys(project_metrics))) if project_metrics else head)
        return out


class _Reader:
    """What a step's trace needs to say about one row: values, fields, the population's entries."""

    def __init__(self, block: "Block", r: int):
        self.b, self.r = block, r
        self.ev, self.pop = block.evaluator, block.population
        self.ent = int(block.ent[r])
        self.proj = int(block.proj[r])

    def field_name(self, key: str) -> str:
        m = self.ev.rules.metrics[key]
        if m.scope == "project":
            kind = self.ev.rules.project_kinds[self.b.c.rule.project_kind]
            if self.proj < 0:
                return M("projects: one of kind {project_kind} ({kind_label}) with metrics.{field} ({label})",
                         project_kind=kind.key, kind_label=kind.label, field=m.field, label=m.label)
            return M("{where}.metrics.{field} ({label})", where=self.project_where(), field=m.field, label=m.label)
        if m.computed_from:
            return M("metrics.{key} ({label}) or {inputs}", key=key, label=m.label,
                     inputs=Msg.join(" and ", [M("metrics.{key}", key=k, label=self.ev.rules.metrics[k].label
                                                if k in self.ev.rules.metrics else k) for k in m.computed_from]))
        return M("metrics.{key} ({label})", key=key, label=m.label)

    def project_where(self) -> str:
        w = self.pop.project_where
        name = self.pop.project_name(self.proj)
        # where the profile lists it (projects[0]) for the machine; its name for a reader
        return M("{project}", project=w[self.proj], name=name) if w else M("project {name!r}", name=name)

    def show(self, key: str, value, unit: str | None = None) -> str:
        """A canonical value in `unit` (or the metric's canonical unit), e.g. 1.6亿元."""
        if isinstance(value, bool):
            return _yes(value)
        m = self.ev.rules.metrics[key]
        table = self.ev.rules.units.get(m.dimension, {})
        unit = unit if unit in table else next(iter(table), "")
        if unit == "TOP":
            return f"TOP{num(value)}"
        return f"{num(value / table.get(unit, 1))}{unit}"

    def value(self, key: str, x: float):
        """A column value as the profile gave it: None when missing, a bool for yes/no metrics."""
        if x != x:  # NaN
            return None
        if self.ev.rules.metrics[key].dimension == "flag":
            return bool(x)
        return float(x)

    def award_where(self, a: int) -> str:
        w = self.pop.award_where
        return w[a] if w else M("awards: {incentive}@{year}", incentive=self.ev.ids[int(self.pop.award_incentive[a])],
                                year=int(self.pop.award_year[a]))

    def qual_where(self, e: int) -> str:
        w = self.pop.qual_where
        return w[e] if w else M("qualifications: {name}", name=self.pop.qual_names[int(self.pop.qual_code[e])])


# --------------------------------------------------------------------------- steps


class _Step:
    """One step of one incentive over the block's rows; `say` writes one row's trace."""

    def say(self, rd: _Reader, t: Trace) -> None:  # pragma: no cover - every step overrides
        raise NotImplementedError


class _Static(_Step):
    """A sentence every row gets (a recipient that is never an enterprise, a note)."""

    def __init__(self, kind: str, text: str, step: str):
        self.kind, self.text, self.step = kind, text, step

    def say(self, rd, t):
        getattr(t, self.kind).append(self.text)
        t.checks.append({"step": self.step, "state": {"reasons": "failed", "notes": "info"}.get(self.kind, "info"),
                         "text": self.text})


class _NoProject(_Step):
    def __init__(self, mask, text):
        self.mask, self.text = mask, text

    def say(self, rd, t):
        if self.mask[rd.r]:
            t.missing.append(self.text)
            t.checks.append({"step": "project", "state": "missing", "text": self.text})


class _Industry(_Step):
    def __init__(self, wanted, state):
        self.wanted, self.state = wanted, state  # 0 met, 1 missing, 2 failed

    def say(self, rd, t):
        s = int(self.state[rd.r])
        pop = rd.pop
        have = [pop.industry_names[c] for c, o in zip(pop.industry_code, pop.industry_owner) if o == rd.ent]
        wanted = self.wanted
        if s == 0:
            both = sorted(set(wanted) & set(have))
            t.met.append(M("industry {names}", names=Msg.join("/", both)))
            state = "met"
        elif s == 1:
            t.missing.append(M("industries (this award is for {wanted})", wanted=Msg.join(", ", wanted)))
            state = "missing"
        else:
            unknown = [h for h in have if h not in rd.ev.industries]
            text = M("for {wanted} only; the profile's industries are {have}", wanted=Msg.join(", ", wanted),
                     have=Msg.join(", ", have))
            if unknown:
                text = M("{a}; {unknown} is not an industry section of the compilation", a=text,
                         unknown=Msg.join(", ", [repr(u) for u in unknown]))
            t.reasons.append(text)
            state = "failed"
        t.checks.append({"step": "industry", "state": state, "wanted": list(wanted), "value": have})


class _Clause(_Step):
    """One qualification clause: met by any one entry held (for 首次: obtained while in force)."""

    HELD, UNDATED, BEFORE, ABSENT = range(4)

    def __init__(self, clause, states, early, since, policy):
        self.clause, self.states, self.early, self.since, self.policy = clause, states, early, since, policy

    def say(self, rd, t):
        r = rd.r
        states = [int(s[r]) for s in self.states]
        names = [_req_name(q) for q in self.clause]
        if self.HELD in states:
            q = self.clause[states.index(self.HELD)]
            t.met.append(M("holds {name}", name=_req_name(q)))
            t.checks.append({"step": "qualification", "state": "met", "wanted": names, "value": _req_name(q)})
            return
        undated = [k for k, s in enumerate(states) if s == self.UNDATED]
        if undated:
            for k in undated:
                q = self.clause[k]
                t.missing.append(Msg.join("; ", [
                    M("{where}.date (when {name} was obtained: 首次 pays a first selection made on or after {since})",
                      where=rd.qual_where(e), name=q.name, since=self.since)
                    for e in self._entries(rd, q, undated_only=True)]))
            t.checks.append({"step": "qualification", "state": "missing", "wanted": names,
                             "value": M("held, date not given")})
            return
        early = [self._before(k, r) for k, s in enumerate(states) if s == self.BEFORE]
        if len(self.clause) == 1:
            q = self.clause[0]
            t.reasons.append(early[0] if early else M("needs {name} ({quote}); the profile does not list it",
                                                      name=_req_name(q), quote=q.quote))
        else:
            t.reasons.append(M("needs one of {names}; {why}", names=Msg.join(", ", names),
                               why=Msg.join("; ", early) if early else M("the profile lists none")))
        t.checks.append({"step": "qualification", "state": "failed", "wanted": names,
                         "value": M("obtained before the policy") if early else None})

    def _before(self, k: int, r: int) -> str:
        q = self.clause[k]
        return M("{name} obtained on {day}, before policy {policy} came into force on {since}; 首次 awards pay a "
                 "first selection made while the policy is in force", name=_req_name(q), day=_iso(self.early[k][r]),
                 policy=self.policy, since=self.since)

    def _entries(self, rd, q, undated_only=False) -> list[int]:
        pop = rd.pop
        code = pop.qual_names.index(q.name) if q.name in pop.qual_names else -1
        out = []
        for e in range(len(pop.qual_code)):
            if (pop.qual_code[e] != code or pop.qual_owner[e] != rd.ent
                    or (pop.qual_project[e] >= 0 and pop.qual_project[e] != rd.proj)):
                continue
            if q.level is not None and pop.qual_level[e] != LEVEL_CODES.index(q.level):
                continue
            if undated_only and pop.qual_day[e] != NO_DATE:
                continue
            out.append(e)
        return out


class _Criterion(_Step):
    def __init__(self, chk: Check, values, passed):
        self.chk, self.values, self.passed = chk, values, passed

    def say(self, rd, t):
        chk = self.chk
        v = rd.value(chk.metric, self.values[rd.r])
        row = {"step": "criterion", "metric": chk.metric, "label": chk.label, "op": chk.op,
               "threshold": chk.value, "value": v, "quote": chk.quote}
        if v is None:
            t.missing.append(rd.field_name(chk.metric))
            t.checks.append({**row, "state": "missing"})
            return
        ok = bool(self.passed[rd.r])
        if isinstance(chk.value, bool) or isinstance(v, bool):
            if ok:
                t.met.append(M("{label}: {value}", label=chk.label, value=_yes(v)))
            else:
                t.reasons.append(M("{label}: {value}, needs {need} ({quote})", label=chk.label, value=_yes(v),
                                   need=_yes(chk.value), quote=chk.quote))
        else:
            shown = rd.show(chk.metric, v, chk.unit)
            need = M("{op} {value}", op=OP_TEXT[chk.op], value=rd.show(chk.metric, chk.value, chk.unit))
            if ok:
                t.met.append(M("{label} {shown} {need}", label=chk.label, shown=shown, need=need))
            else:
                t.reasons.append(M("{label} {shown}, needs {need} ({quote})", label=chk.label, shown=shown, need=need,
                                   quote=chk.quote))
        t.checks.append({**row, "state": "met" if ok else "failed"})


class _Fixed(_Step):
    def __init__(self, inc):
        self.inc = inc

    def say(self, rd, t):
        t.ceiling = bool(self.inc.ceiling)
        if self.inc.amount_min_wan is not None:  # a-b万元: up to b
            t.steps.append(M("{low}–{high} (up to {high})", low=num(self.inc.amount_min_wan),
                             high=num(self.inc.amount_wan)))
        else:
            t.steps.append(num(self.inc.amount_wan))
        t.checks.append({"step": "amount", "state": "info", "basis": "fixed", "amount_wan": float(self.inc.amount_wan),
                         "ceiling": bool(self.inc.ceiling)})


class _NoAmount(_Step):
    def __init__(self, text):
        self.text = text

    def say(self, rd, t):
        t.notes.append(self.text)
        t.checks.append({"step": "amount", "state": "info", "text": self.text})


def _rate_text(x) -> str:
    """A rate as the text writes it: 1‰ (rate_permille) or 10%."""
    if getattr(x, "rate_permille", None) is not None:
        return f"{num(x.rate_permille)}‰"
    return f"{num(x.rate_percent)}%"


class _Rate(_Step):
    """rate% × base (P3: the part of the base above a share of another metric), capped."""

    MISSING_BASE, NO_BASE, MISSING_OTHER, OK, NO_PHASE = range(5)

    def __init__(self, inc, state, base, other, raw, phase=None):
        self.inc, self.state, self.base, self.other, self.raw = inc, state, base, other, raw
        self.phase = phase  # per row, the phase of a phased rate (-1: none); None: one rate

    def say(self, rd, t):
        inc, r, ev = self.inc, rd.r, rd.ev
        s = int(self.state[r])
        if s == self.NO_PHASE:
            return  # the phase step already says why (before year 1, after the last year)
        label = ev.rules.metrics[inc.rate_base].label
        b = float(self.base[r])
        # the rate of this row: the incentive's, or the phase the answer's year falls in
        rated = inc if self.phase is None or int(self.phase[r]) < 0 else inc.phases[int(self.phase[r])]
        row = {"step": "amount", "basis": inc.basis, "rate_percent": rated.rate_percent, "base_metric": inc.rate_base,
               "base": None if b != b else b}
        if s == self.MISSING_BASE:
            t.missing.append(rd.field_name(inc.rate_base))
            t.checks.append({**row, "state": "missing"})
            return
        if s == self.NO_BASE:
            t.reasons.append(M("{label} {value} gives no base for the {rate} award", label=label, value=num(b),
                               rate=_rate_text(rated)))
            t.checks.append({**row, "state": "failed"})
            return
        ex = inc.rate_base_excess_over
        if s == self.MISSING_OTHER:
            t.missing.append(rd.field_name(ex.metric))
            t.checks.append({**row, "state": "missing"})
            return
        if ex is None:
            base_text = f"{label} {num(b)}"  # a name and a number: the same in every language
        else:
            other = float(self.other[r])
            part = max(0.0, b - ex.percent / 100 * other)
            olabel = ev.rules.metrics[ex.metric].label
            base_text = f"({label} {num(b)} − {num(ex.percent)}% × {olabel} {num(other)} = {num(part)})"  # arithmetic
            row["base"] = part
        t.ceiling = t.ceiling or bool(rated.rate_ceiling)
        raw = float(self.raw[r])
        text = f"{_rate_text(rated)} × {base_text}"
        cap = inc.cap_wan
        if cap is not None:
            out = min(raw, cap)
            t.steps.append(_min(text, num(cap), num(out)))
            bound = raw > cap + _EPS
            if bound:
                t.notes.append(_cap_binds(cap))
            t.checks.append({**row, "state": "info", "raw_wan": raw, "cap_wan": cap, "cap_binds": bound})
            return
        t.steps.append(f"{text} = {num(raw)}")
        t.checks.append({**row, "state": "info", "raw_wan": raw})


class _Tiered(_Step):
    """The best level reached (the highest amount; ties to the later level), the next one up."""

    MISSING, NONE, MISSING_BASE, CHOSEN = range(4)

    def __init__(self, inc, state, reached, value, base, best, amounts, prior_reason):
        self.inc, self.state, self.reached, self.value = inc, state, reached, value
        self.base, self.best, self.amounts, self.prior_reason = base, best, amounts, prior_reason

    def tier_text(self, rd, tr: Tier) -> str:
        inc = self.inc
        parts = []
        if tr.min is not None:
            m = rd.ev.rules.metrics[inc.tier_metric]
            parts.append(f"{m.label} {OP_TEXT[tr.min_op or inc.tier_op]} {rd.show(m.key, tr.min, tr.unit_as_written)}")
        if tr.max is not None:
            m = rd.ev.rules.metrics[inc.tier_metric]
            parts.append(f"{m.label} {OP_TEXT[tr.max_op]} {rd.show(m.key, tr.max, tr.unit_as_written)}")
        for crit in tr.criteria:
            parts.append(crit.quote)
        if tr.qualification is not None:
            parts.append(f"{LEVEL_TEXT.get(tr.level, '') if tr.level else ''}{tr.qualification}")
        return Msg.join(" and ", parts) if parts else tr.label

    def tier_amount(self, rd, tr: Tier) -> tuple[float | None, str]:
        if tr.amount_wan is not None:
            return float(tr.amount_wan), num(tr.amount_wan)
        b = float(self.base[rd.r])
        if b != b:
            return None, ""
        label = rd.ev.rules.metrics[self.inc.rate_base].label
        raw = tr.rate_percent / 100 * b
        if tr.cap_wan is not None and raw > tr.cap_wan + _EPS:  # the level's own cap binds (say() shows the min)
            return float(tr.cap_wan), f"{_rate_text(tr)} × {label} {num(b)}"
        return raw, f"{_rate_text(tr)} × {label} {num(b)}"

    def say(self, rd, t):
        inc, r = self.inc, rd.r
        s = int(self.state[r])
        v = rd.value(inc.tier_metric, float(self.value[r])) if inc.tier_metric else None
        row = {"step": "tier", "metric": inc.tier_metric, "value": v,
               "levels": [{"label": tr.label, "reached": {0: False, 1: True, 2: None}[int(self.reached[k][r])]}
                          for k, tr in enumerate(inc.tiers)]}
        if s == self.MISSING:
            t.missing.append(rd.field_name(inc.tier_metric))
            t.checks.append({**row, "state": "missing"})
            return
        if s == self.NONE:
            lowest = min(inc.tiers, key=lambda tr: (tr.min or 0, tr.amount_wan or tr.rate_percent or 0))
            if self.prior_reason[r]:
                pass  # an earlier step (a missing qualification) already says why
            elif v is not None and lowest.min is not None:
                m = rd.ev.rules.metrics[inc.tier_metric]
                t.reasons.append(M("{label} {shown}, needs {need} (lowest level: {level})", label=m.label,
                                   shown=rd.show(m.key, v, lowest.unit_as_written), need=self.tier_text(rd, lowest),
                                   level=lowest.label))
            else:
                t.reasons.append(M("reaches no level: needs {levels}",
                                   levels=Msg.join(" or ", [self.tier_text(rd, tr) for tr in inc.tiers])))
            t.checks.append({**row, "state": "failed"})
            return
        if s == self.MISSING_BASE:
            t.missing.append(rd.field_name(inc.rate_base))
            t.checks.append({**row, "state": "missing"})
            return
        k = int(self.best[r])
        tier = inc.tiers[k]
        amount, text = self.tier_amount(rd, tier)
        t.tier = tier.label
        t.met.append(M("level {level}", level=tier.label))
        t.ceiling = bool(inc.ceiling)
        ups = [(self.tier_amount(rd, tr)[0], tr) for j, tr in enumerate(inc.tiers) if int(self.reached[j][r]) != 1]
        ups = [(a, tr) for a, tr in ups if a is not None and a > amount + _EPS]
        if ups:
            nxt_amount, nxt = min(ups, key=lambda u: u[0])
            if nxt.rate_percent is not None:
                t.next_tier = M("{need} would raise the rate to {rate}% (level {level})",
                                need=self.tier_text(rd, nxt), rate=num(nxt.rate_percent), level=nxt.label)
            else:
                t.next_tier = M("{need} would move you to {amount}万元 (+{more}万元; level {level})",
                                need=self.tier_text(rd, nxt), amount=num(nxt_amount), more=num(nxt_amount - amount),
                                level=nxt.label)
        bound = inc.cap_wan is not None and amount > inc.cap_wan + _EPS
        b = float(self.base[r])
        level_bound = tier.cap_wan is not None and tier.rate_percent is not None and b == b and \
            tier.rate_percent / 100 * b > tier.cap_wan + _EPS
        if bound:
            t.steps.append(_min(text, num(inc.cap_wan), num(inc.cap_wan)))
            t.notes.append(_cap_binds(inc.cap_wan))
        elif level_bound:  # 对国家级的…100%，最高500万元: the level's own cap
            t.steps.append(_min(f"{tier.label}: {text}", num(tier.cap_wan), num(tier.cap_wan)))
            t.notes.append(_cap_binds(tier.cap_wan))
        else:
            t.steps.append(f"{tier.label}: {text}" + ("" if text == num(amount) else f" = {num(amount)}"))
        if tier.rate_percent is not None:
            row.update(rate_percent=tier.rate_percent, base_metric=inc.rate_base, base=float(self.base[r]))
        t.checks.append({**row, "state": "met", "tier": tier.label, "amount_wan": amount,
                         "cap_wan": inc.cap_wan if bound or tier.cap_wan is None else tier.cap_wan,
                         "cap_binds": bool(bound or level_bound), "next_tier": t.next_tier})


class _Earlier(_Step):
    """A sentence about an earlier award, for the rows where `first[r]` names one (≥ 0)."""

    def __init__(self, first, make, step, state="failed", kind="reasons"):
        self.first, self.make, self.step, self.state, self.kind = first, make, step, state, kind

    def say(self, rd, t):
        a = int(self.first[rd.r])
        if a < 0:
            return
        text = self.make(rd, a)
        getattr(t, self.kind).append(text)
        t.checks.append({"step": self.step, "state": self.state, "award": rd.award_where(a), "text": text})


class _TierDifference(_Step):
    def __init__(self, apply, before, received, years_of):
        self.apply, self.before, self.received, self.years_of = apply, before, received, years_of

    def say(self, rd, t):
        r = rd.r
        if not self.apply[r]:
            return
        amount, received = float(self.before[r]), float(self.received[r])
        years = ", ".join(str(y) for y in self.years_of(r))
        new = max(0.0, amount - received)
        t.steps.append(M("{amount} − {received} already received ({years}) = {left}", amount=num(amount),
                         received=num(received), years=years, left=num(new)))
        if new <= _EPS:
            t.reasons.append(M("already received {received}万元 ({years}); the difference is 0 (进档差额)",
                               received=num(received), years=years))
        t.checks.append({"step": "tier_difference", "state": "failed" if new <= _EPS else "info",
                         "amount_wan": amount, "received_wan": received, "left_wan": new})


class _Cap(_Step):
    """A yearly or total cap over a group's awards: used up, binding, or with room left."""

    USED_UP, BINDS, LEFT, NONE = range(4)

    def __init__(self, lim, year, state, used, had, before, cap):
        self.lim, self.year, self.state, self.used, self.had, self.before = lim, year, state, used, had, before
        self.cap = cap

    def say(self, rd, t):
        lim, r = self.lim, rd.r
        s = int(self.state[r])
        if s == self.NONE:
            return
        used = float(self.used[r])
        capv = float(self.cap[r])
        remaining = max(0.0, capv - used)
        span = M("in {year}", year=self.year) if lim.kind == "annual_total_cap" else M("so far")
        row = {"step": lim.kind, "cap_wan": capv, "used_wan": used, "quote": lim.quote}
        if s == self.USED_UP:
            t.reasons.append(M("the cap of {cap}万元 ({quote}) is used up: {used}万元 received {span}", cap=num(capv),
                               quote=lim.quote, used=num(used), span=span))
            t.checks.append({**row, "state": "failed"})
        elif s == self.BINDS:
            amount = float(self.before[r])
            shown = (M("{cap} − {used} received {span} = {left}", cap=num(capv), used=num(used), span=span,
                       left=num(remaining)) if self.had[r] else num(remaining))
            t.steps.append(M("min({amount}, {shown}) = {left}", amount=num(amount), shown=shown, left=num(remaining)))
            t.notes.append(M("the cap binds: {quote}", quote=lim.quote))
            t.checks.append({**row, "state": "info", "cap_binds": True})
        else:
            t.notes.append(M("{left}万元 left under the cap ({quote})", left=num(remaining), quote=lim.quote))
            t.checks.append({**row, "state": "info", "cap_binds": False})


class _PerItemCap(_Step):
    def __init__(self, lim, binds, before):
        self.lim, self.binds, self.before = lim, binds, before

    def say(self, rd, t):
        if not self.binds[rd.r]:
            return
        lim = self.lim
        t.steps.append(M("min({amount}, {cap} per {per}) = {cap}", amount=num(float(self.before[rd.r])),
                         cap=num(lim.amount_wan), per=_per_word(lim.per)))
        t.notes.append(M("the per-{per} cap binds: {quote}", per=_per_word(lim.per), quote=lim.quote))
        t.checks.append({"step": "per_item_cap", "state": "info", "cap_wan": lim.amount_wan, "cap_binds": True})


class _Mask(_Step):
    """A sentence for the rows of a mask, made from the row."""

    def __init__(self, mask, make, kind, step, state):
        self.mask, self.make, self.kind, self.step, self.state = mask, make, kind, step, state

    def say(self, rd, t):
        if self.mask[rd.r]:
            text = self.make(rd.r)
            getattr(t, self.kind).append(text)
            t.checks.append({"step": self.step, "state": self.state, "text": text})


# --------------------------------------------------------------------------- one incentive's block


@dataclass
class Block:
    """One incentive over its rows: who (``ent``, ``proj``: -1 for none), the decision, the steps."""

    evaluator: "Evaluator"
    population: Population
    c: CompiledIncentive
    day: date
    ent: np.ndarray
    proj: np.ndarray
    status: np.ndarray  # codes into STATUSES
    amount: np.ndarray  # 万元 as evaluated, NaN for none
    expired: str | None = None
    steps: list[_Step] = field(default_factory=list)
    #: Per row, whether its amount is an upper bound, when that differs by row (a phased rate: 最高70% in
    #: later years only); None: the incentive's one flag.
    ceiling_rows: np.ndarray | None = None

    @property
    def rows(self) -> int:
        return len(self.ent)

    @property
    def ceiling_flag(self):
        """Whether an amount this incentive states is an upper bound (最高/不超过 of it or of its rate);
        per row for a phased rate."""
        if self.ceiling_rows is not None:
            return self.ceiling_rows
        inc = self.c.rule
        return bool(inc.rate_ceiling if inc.basis in ("rate", "matching") else inc.ceiling)

    def trace(self, r: int) -> Trace:
        """Row `r` read back out of the columns (module docstring)."""
        code = int(self.status[r])
        amount = float(self.amount[r])
        t = Trace(self.c.id, self.population.project_name(int(self.proj[r])) if self.proj[r] >= 0 else None,
                  STATUSES[code], None if amount != amount else round(amount, 4), False, None, self.expired)
        if self.expired:
            t.reasons.append(self.expired)
            t.checks.append({"step": "validity", "state": "failed", "text": self.expired,
                             "effective_from": self.c.effective_from, "effective_until": self.c.effective_until})
            return t
        rd = _Reader(self, r)
        for step in self.steps:
            step.say(rd, t)
        t.selection = self.c.selection
        if t.status == "not_eligible" and t.amount_wan is not None and not t.steps:
            t.amount_wan = None
        return t


# --------------------------------------------------------------------------- the evaluator


class Evaluator:
    """The rules compiled once; `blocks` evaluates them over any population on any day."""

    def __init__(self, rules: Rules, graph):
        self.rules = rules
        self.compiled = compile_rules(rules, graph)
        self.ids = [c.id for c in self.compiled]
        self.industries = frozenset(p["name"] for _, p in nodes_with_label(graph, "Industry"))
        for key, m in rules.metrics.items():
            if m.computed_from and key not in DERIVED:
                raise DataError(f"{rules.path}: metrics.{key}: computed_from is given, but no formula derives "
                                f"{key}; add one to DERIVED in engine/evaluate.py or give it as a plain metric")

    def derived(self, pop: Population) -> dict[str, np.ndarray]:
        """The derived metrics' columns (given, else computed from their inputs; NaN where neither)."""
        st = _State(self, pop, date.today())
        return {k: st.value(k) for k, m in self.rules.metrics.items() if m.scope == "enterprise" and m.computed_from}

    def blocks(self, pop: Population, day: date, only: set[str] | None = None,
               in_force_only: bool = False, candidates_only: bool = False) -> Iterator[Block]:
        """One `Block` per incentive (those in `only`, else all), in the rules' order.

        A batch match writes only eligible and needs_selection rows, so it need not build the
        others: `in_force_only` skips incentives not in force on `day`; `candidates_only` leaves
        out the rows that cannot be either whatever the rest says -- a recipient that is never
        an enterprise, an enterprise outside the incentive's industries (or listing none), and,
        for an award paid per project, an enterprise with no such project.
        """
        state = _State(self, pop, day)
        for c in self.compiled:
            if only is not None and c.id not in only:
                continue
            valid = validity_status(c.effective_from, c.effective_until, day)
            if in_force_only and valid != "in_force":
                continue
            yield _evaluate(state, c, valid, not candidates_only)


class _State:
    """One population on one day: derived metrics and counted awards, computed once for all incentives."""

    def __init__(self, ev: Evaluator, pop: Population, day: date):
        self.ev, self.pop, self.day, self.year = ev, pop, day, day.year
        self.daynum = day_number(day)
        self._values: dict[str, np.ndarray] = {}
        self._rounded: dict[str, np.ndarray] = {}
        counted = pop.award_year <= self.year
        self.aw = np.flatnonzero(counted)  # award entries that count on this day
        self.qual_codes = {name: k for k, name in enumerate(pop.qual_names)}
        self._kind_projects: dict[str, np.ndarray] = {}
        self._restricted = None
        self._member = None

    def _industry_member(self) -> np.ndarray:
        """industry code x enterprise: the enterprise lists that industry (built once)."""
        if self._member is None:
            pop = self.pop
            self._member = np.zeros((len(pop.industry_names), pop.n), dtype=bool)
            self._member[pop.industry_code, pop.industry_owner] = True
        return self._member

    def in_industries(self, wanted: tuple[str, ...]) -> np.ndarray:
        """Per enterprise: lists one of `wanted` (every enterprise when `wanted` is empty)."""
        pop = self.pop
        if not wanted:
            return np.ones(pop.n, dtype=bool)
        codes = [k for k, name in enumerate(pop.industry_names) if name in wanted]
        return self._industry_member()[codes].any(axis=0)

    def industries_listed(self) -> np.ndarray:
        """Per enterprise: lists any industry at all."""
        return self._industry_member().any(axis=0)

    def projects_for(self, c: CompiledIncentive) -> np.ndarray:
        """The projects an incentive paid per project is for: of its kind, and not restricted to others."""
        pop, kind = self.pop, c.rule.project_kind
        if kind not in self._kind_projects:
            code = pop.project_kinds.index(kind) if kind in pop.project_kinds else -1
            self._kind_projects[kind] = np.flatnonzero(pop.project_kind == code)
        projects = self._kind_projects[kind]
        if len(pop.only_project):
            if self._restricted is None:
                self._restricted = np.zeros(pop.m, dtype=bool)
                self._restricted[pop.only_project] = True
            mine = np.zeros(pop.m, dtype=bool)
            mine[pop.only_project[pop.only_incentive == c.index]] = True
            projects = projects[~self._restricted[projects] | mine[projects]]
        return projects

    def rounded(self, key: str) -> np.ndarray:
        """`value` rounded to 6 decimals (as a criterion compares it), once per population."""
        if key not in self._rounded:
            self._rounded[key] = np.round(self.value(key), 6)
        return self._rounded[key]

    def value(self, key: str) -> np.ndarray:
        """An enterprise metric's column: as given, else derived from its inputs (rounded to 6), else NaN."""
        if key in self._values:
            return self._values[key]
        m = self.ev.rules.metrics[key]
        given = self.pop.metrics.get(key)
        out = given if given is not None else np.full(self.pop.n, np.nan)
        if m.computed_from:
            inputs = [self.value(k) for k in m.computed_from]
            derived = np.round(DERIVED[key](*inputs), 6)
            out = derived if given is None else np.where(np.isnan(given), derived, given)
        self._values[key] = out
        return out


class _Rows:
    """The rows of one incentive's block and what they see (columns gathered per row)."""

    def __init__(self, st: _State, c: CompiledIncentive, complete: bool = True):
        self.st, self.c, self.pop = st, c, st.pop
        inc = c.rule
        pop = self.pop
        keep = None  # enterprises that can still be eligible (complete=False)
        if not complete:
            keep = np.zeros(pop.n, dtype=bool) if inc.recipient in NOT_ENTERPRISE else st.in_industries(inc.industries)
        if inc.per_project:
            projects = st.projects_for(c)
            owners = pop.project_owner[projects]
            if keep is not None:
                sel = keep[owners]
                projects, owners = projects[sel], owners[sel]
            if complete:
                # an enterprise with no project of this kind: one row, asked for one (missing_data)
                have = np.zeros(pop.n, dtype=bool)
                have[owners] = True
                alone = np.flatnonzero(~have)
                ent = np.concatenate([owners, alone])
                proj = np.concatenate([projects, np.full(len(alone), -1, dtype=np.int64)])
                order = np.argsort(ent, kind="stable")
                ent, proj = ent[order], proj[order]
            elif len(owners) > 1 and (np.diff(owners) < 0).any():
                order = np.argsort(owners, kind="stable")
                ent, proj = owners[order], projects[order]
            else:
                ent, proj = owners, projects
            self.ent, self.proj = ent, proj
            self.grouped = True
        else:
            self.ent = np.arange(pop.n, dtype=np.int64) if keep is None else np.flatnonzero(keep)
            self.proj = np.full(len(self.ent), -1, dtype=np.int64)
            self.grouped = keep is not None
        if self.grouped:
            count = np.bincount(self.ent, minlength=pop.n)
            self.stop = np.cumsum(count)
            self.start = self.stop - count
        self.R = len(self.ent)

    def value(self, key: str) -> np.ndarray:
        m = self.st.ev.rules.metrics[key]
        if m.scope == "project":
            col = self.pop.project_metrics.get(m.field)
            out = np.full(self.R, np.nan)
            has = self.proj >= 0
            if col is not None:
                out[has] = col[self.proj[has]]
            return out
        col = self.st.value(key)
        return col if not self.grouped else col[self.ent]

    def rounded(self, key: str) -> np.ndarray:
        """``np.round(self.value(key), 6)``, an enterprise metric's rounded once per population (a metric is
        compared by many incentives)."""
        if self.st.ev.rules.metrics[key].scope == "project":
            return np.round(self.value(key), 6)
        col = self.st.rounded(key)
        return col if not self.grouped else col[self.ent]

    def by_entry(self, owner: np.ndarray, project: np.ndarray, mode: str = "award") -> tuple[np.ndarray, np.ndarray]:
        """(row, entry) pairs, in entry order: each entry of an enterprise with its rows here.

        ``award``: an entry naming a project pairs with that project's row and with the row of
        the enterprise without a project; ``qualification``: an entry of a project only with that
        project's row, the enterprise's own with all its rows; ``any``: with every row.
        """
        entries = np.arange(len(owner), dtype=np.int64)
        if not self.grouped:
            if mode == "qualification":
                own = project < 0
                return owner[own], entries[own]
            return owner, entries
        count = self.stop[owner] - self.start[owner]
        rep = np.repeat(entries, count)
        offsets = np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)
        rows = np.repeat(self.start[owner], count) + offsets
        if mode != "any":
            p, mine = project[rep], self.proj[rows]
            keep = (p == -1) | (p == mine)
            if mode == "award":
                keep |= mine < 0
            rows, rep = rows[keep], rep[keep]
        return rows, rep

    def held(self, name: str, level: str | None, since: int | None = None):
        """(state per row, earliest early day per row) for one required qualification.

        State: 0 held, 1 held but undated (首次 only), 2 obtained before `since` (首次), 3 absent.
        Only entries dated up to the day count; an undated entry is held (except for 首次).
        """
        pop, st = self.pop, self.st
        code = st.qual_codes.get(name, -1)
        mask = (pop.qual_code == code) & (pop.qual_day <= st.daynum)
        if level is not None:
            mask &= pop.qual_level == LEVEL_CODES.index(level)
        sel = np.flatnonzero(mask)
        rows, e = self.by_entry(pop.qual_owner[sel], pop.qual_project[sel], "qualification")
        e = sel[e]
        state = np.full(self.R, 3, dtype=np.int8)
        early_day = np.zeros(self.R, dtype=np.int64)
        heldrows = np.bincount(rows, minlength=self.R) > 0
        state[heldrows] = 0
        if since is not None:
            days = pop.qual_day[e]
            dated_early = (days != NO_DATE) & (days < since)
            undated = days == NO_DATE
            has_early = np.bincount(rows[dated_early], minlength=self.R) > 0
            has_undated = np.bincount(rows[undated], minlength=self.R) > 0
            state[heldrows & has_undated] = 1
            state[heldrows & has_early] = 2
            if dated_early.any():
                big = np.iinfo(np.int64).max
                first = np.full(self.R, big, dtype=np.int64)
                np.minimum.at(first, rows[dated_early], days[dated_early])
                early_day = np.where(first == big, 0, first)
        return state, early_day


def _evaluate(st: _State, c: CompiledIncentive, valid: str, complete: bool = True) -> Block:
    """One incentive over its rows: each step over whole columns, in the text's order."""
    ev, pop, inc = st.ev, st.pop, c.rule
    rows = _Rows(st, c, complete)
    R = rows.R
    block = Block(ev, pop, c, st.day, rows.ent, rows.proj, np.full(R, EXPIRED, dtype=np.int8), np.full(R, np.nan))
    if valid != "in_force":
        block.expired = (M("policy {policy} 《{title}》 was in force until {until} (as of {day})", policy=c.policy,
                           title=c.policy_title, until=c.effective_until, day=st.day.isoformat())
                         if valid == "expired" else
                         M("policy {policy} 《{title}》 is in force only from {since} (as of {day})", policy=c.policy,
                           title=c.policy_title, since=c.effective_from, day=st.day.isoformat()))
        return block
    reason = np.zeros(R, dtype=bool)
    missing = np.zeros(R, dtype=bool)
    steps = block.steps
    rtext = NOT_ENTERPRISE.get(inc.recipient)
    if rtext:
        reason[:] = True
        steps.append(_Static("reasons", rtext, "recipient"))
    if inc.per_project:
        kind = ev.rules.project_kinds[inc.project_kind]
        none = rows.proj < 0
        missing |= none
        steps.append(_NoProject(none, M("projects: one of kind {project_kind} ({kind_label})", project_kind=kind.key,
                                        kind_label=kind.label)))
    # industry
    if inc.industries:
        hit = st.in_industries(inc.industries)[rows.ent]
        listed = st.industries_listed()[rows.ent]
        state = np.where(hit, 0, np.where(listed, 2, 1)).astype(np.int8)
        missing |= state == 1
        reason |= state == 2
        steps.append(_Industry(inc.industries, state))
    # qualifications: every clause met by one entry held
    since_text = c.effective_from if inc.first_time else None
    since = day_number(date.fromisoformat(since_text)) if since_text else None
    for clause in inc.qualification_clauses:
        states, earlies = zip(*(rows.held(q.name, q.level, since) for q in clause))
        S = np.vstack(states)
        held = (S == 0).any(axis=0)
        undated = ~held & (S == 1).any(axis=0)
        missing |= undated
        reason |= ~held & ~undated
        steps.append(_Clause(clause, states, earlies, since_text, c.policy))
    # alternatives (…的，或…的): any one in full
    if inc.alternatives:
        _alternatives(rows, ev.rules, inc, reason, missing, steps)
    # criteria
    for chk in c.checks:
        v = rows.value(chk.metric)
        if isinstance(chk.value, bool):
            passed = v == float(chk.value)
        else:
            passed = _CMP[chk.op](rows.rounded(chk.metric) + 0.0, round(chk.value, 6) + 0.0)
        gone = np.isnan(v)
        missing |= gone
        reason |= ~gone & ~passed
        steps.append(_Criterion(chk, v, passed))
    # the amount
    amount = np.full(R, np.nan)
    tier = None
    if inc.basis == "fixed":
        amount[:] = float(inc.amount_wan)
        steps.append(_Fixed(inc))
    elif inc.basis == "tiers":
        amount, tier = _tiers(rows, inc, reason, missing, steps)
    elif inc.basis in ("rate", "matching"):
        amount = _rate(rows, inc, reason, missing, steps)
        if inc.phases:  # 最高70% in some years only: whether the amount is "up to" depends on the row's year
            ceil = np.array([p.rate_ceiling for p in inc.phases] + [False])
            block.ceiling_rows = ceil[steps[-1].phase]
    elif inc.basis == "per_unit":
        amount = _per_unit(rows, inc, reason, missing, steps)
    elif inc.basis == "defers_to":
        steps.append(_NoAmount(M("paid under {target} ({quote})", target=inc.defers_to.target,
                                 quote=inc.defers_to.quote)))
    elif inc.basis == "non_monetary":
        steps.append(_NoAmount(M("not money: {note}", note=inc.note)))
    else:
        steps.append(_NoAmount(M("amount not stated in this text ({note})", note=inc.note) if inc.note
                               else M("amount not stated in this text")))
    if inc.per_person:
        amount = _persons(rows, inc, amount, missing, steps)
    if inc.paid_to_others:
        steps.append(_PaidTo(inc))
    if inc.first_time or inc.limits or inc.max_years or inc.frequency == "once":
        amount = _limits(st, rows, c, amount, tier, reason, steps, missing)
    status = np.where(reason, NOT_ELIGIBLE, np.where(missing, MISSING_DATA,
                      NEEDS_SELECTION if c.selection else ELIGIBLE)).astype(np.int8)
    block.status, block.amount = status, amount
    return block


def _tiers(rows: _Rows, inc: Incentive, reason, missing, steps):
    R = rows.R
    v = rows.value(inc.tier_metric) if inc.tier_metric else np.full(R, np.nan)
    base = rows.value(inc.rate_base) if inc.rate_base else np.full(R, np.nan)
    T = len(inc.tiers)
    reached = np.zeros((T, R), dtype=np.int8)  # 0 no, 1 yes, 2 unknown (metric missing)
    amounts = np.full((T, R), np.nan)
    gone = np.isnan(v)
    v6 = np.round(v, 6)  # once for all the tiers (each compared to it)
    for k, tr in enumerate(inc.tiers):
        r = np.ones(R, dtype=np.int8)
        if tr.min is not None:
            ok = _CMP[tr.min_op or inc.tier_op](v6, round(tr.min, 6))
            r = np.where(gone, 2, np.where(ok, 1, 0)).astype(np.int8)
        if tr.max is not None:  # X（含）至Y: below Y
            ok = _CMP[tr.max_op](v6, round(tr.max, 6))
            r = _and3(r, np.where(gone, 2, np.where(ok, 1, 0)).astype(np.int8))
        for crit in tr.criteria:  # the level's own condition (仅限…)
            r = _and3(r, _criterion_state(rows, crit)[0])
        if tr.qualification is not None:
            state, _ = rows.held(tr.qualification, tr.level)
            r = np.where(state == 0, r, 0).astype(np.int8)
        reached[k] = r
        amounts[k] = float(tr.amount_wan) if tr.amount_wan is not None else tr.rate_percent / 100 * base
        if tr.cap_wan is not None:  # the level's own 最高 (NaN where the base is missing stays NaN)
            amounts[k] = np.where(amounts[k] > tr.cap_wan + _EPS, float(tr.cap_wan), amounts[k])
    hit = reached == 1
    any_hit = hit.any(axis=0)
    unknown = (reached == 2).any(axis=0) & ~any_hit
    rated = np.array([tr.rate_percent is not None for tr in inc.tiers])
    no_base = any_hit & (hit & rated[:, None]).any(axis=0) & np.isnan(base)
    state = np.where(unknown, _Tiered.MISSING, np.where(~any_hit, _Tiered.NONE,
                     np.where(no_base, _Tiered.MISSING_BASE, _Tiered.CHOSEN))).astype(np.int8)
    prior = reason.copy()
    score = np.where(hit, np.nan_to_num(amounts, nan=0.0), -np.inf)
    best = T - 1 - np.argmax(score[::-1], axis=0)
    amount = amounts[best, np.arange(R)]
    if inc.cap_wan is not None:
        amount = np.where(amount > inc.cap_wan + _EPS, float(inc.cap_wan), np.round(amount, 4))
    else:
        amount = np.round(amount, 4)
    chosen = state == _Tiered.CHOSEN
    amount = np.where(chosen, amount, np.nan)
    missing |= (state == _Tiered.MISSING) | (state == _Tiered.MISSING_BASE)
    reason |= (state == _Tiered.NONE) & ~prior
    steps.append(_Tiered(inc, state, reached, v, base, best, amounts, prior))
    return amount, np.where(chosen, best, -1)


def _phase_of(rows: _Rows, inc: Incentive, reason, missing, steps) -> np.ndarray:
    """前三年…，后两年…: per row, the index of the phase the answer's year falls in (-1: none).

    Year 1 is the calendar year of `phase_start` (a year metric: 落户年份); the answer's date says
    which year it is. Without that year: missing_data naming it; before year 1 or after the last
    phase: not_eligible."""
    start = rows.value(inc.phase_start)
    year = rows.st.year - start + 1  # NaN where the start is not given
    k = np.full(rows.R, -1, dtype=np.int64)
    for i, ph in enumerate(inc.phases):
        k[(year >= ph.from_year) & (year <= ph.to_year)] = i
    gone = np.isnan(start)
    missing |= gone
    reason |= ~gone & (k < 0)
    steps.append(_PhaseStep(inc, start, year, k))
    return k


class _PhaseStep(_Step):
    """Which year of a phased rate the answer's date is, counted from the profile's start year."""

    def __init__(self, inc, start, year, k):
        self.inc, self.start, self.year, self.k = inc, start, year, k

    def say(self, rd, t):
        inc, r = self.inc, rd.r
        label = rd.ev.rules.metrics[inc.phase_start].label
        s = float(self.start[r])
        row = {"step": "phase", "start_metric": inc.phase_start, "start_year": None if s != s else int(s),
               "year": None if s != s else int(self.year[r]), "as_of_year": rd.b.day.year,
               "phases": [{"from_year": p.from_year, "to_year": p.to_year, "rate_percent": p.rate_percent,
                           "rate_ceiling": p.rate_ceiling} for p in inc.phases]}
        if s != s:
            t.missing.append(rd.field_name(inc.phase_start))
            t.checks.append({**row, "state": "missing"})
            return
        year, k, last = int(self.year[r]), int(self.k[r]), inc.phases[-1]
        if k >= 0:
            ph = inc.phases[k]
            t.met.append(M("year {year} counted from {label} {start} (years {first}–{to}: {rate})", year=year,
                           label=label, start=int(s), first=ph.from_year, to=ph.to_year, rate=_rate_text(ph)))
            t.checks.append({**row, "state": "met", "phase": k})
        elif year < 1:
            t.reasons.append(M("{label} {start} is after {as_of}: year 1 of the award has not begun", label=label,
                               start=int(s), as_of=rd.b.day.year))
            t.checks.append({**row, "state": "failed", "phase": None})
        else:
            t.reasons.append(M("{as_of} is year {year} counted from {label} {start}; the award's years end with year "
                               "{last} ({quote})", as_of=rd.b.day.year, year=year, label=label, start=int(s),
                               last=last.to_year, quote=last.quote))
            t.checks.append({**row, "state": "failed", "phase": None})


def _rate(rows: _Rows, inc: Incentive, reason, missing, steps):
    b = rows.value(inc.rate_base)
    ex = inc.rate_base_excess_over
    R = rows.R
    other = np.full(R, np.nan)
    if ex is None:
        state = np.where(np.isnan(b), _Rate.MISSING_BASE, np.where(b <= 0, _Rate.NO_BASE, _Rate.OK))
        base = b
    else:
        other = rows.value(ex.metric)
        state = np.where(np.isnan(b), _Rate.MISSING_BASE, np.where(np.isnan(other), _Rate.MISSING_OTHER, _Rate.OK))
        base = np.maximum(0.0, b - ex.percent / 100 * other)
    state = state.astype(np.int8)
    phase = None
    if inc.phases:
        phase = _phase_of(rows, inc, reason, missing, steps)
        rates = np.array([p.rate_percent for p in inc.phases] + [np.nan])
        rate = rates[phase]  # phase -1: NaN, no amount
        state = np.where((state == _Rate.OK) & (phase < 0), _Rate.NO_PHASE, state).astype(np.int8)
    else:
        rate = inc.rate_percent
    ok = state == _Rate.OK
    raw = rate / 100 * np.where(ok, base, np.nan)
    amount = np.minimum(raw, inc.cap_wan) if inc.cap_wan is not None else raw
    amount = np.where(ok, np.round(amount, 4), np.nan)
    missing |= (state == _Rate.MISSING_BASE) | (state == _Rate.MISSING_OTHER)
    reason |= state == _Rate.NO_BASE
    steps.append(_Rate(inc, state, b, other, raw, phase))
    return amount


def _and3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Three-valued and over 0 no, 1 yes, 2 unknown: no wins, then unknown."""
    return np.where((a == 0) | (b == 0), 0, np.where((a == 2) | (b == 2), 2, 1)).astype(np.int8)


def _criterion_state(rows: "_Rows", crit: Criterion) -> tuple[np.ndarray, np.ndarray]:
    """(state 0/1/2 per row, the values) of one criterion (canonical value and unit)."""
    v = rows.value(crit.metric)
    if isinstance(crit.value, bool):
        passed = v == float(crit.value)
    else:
        passed = _CMP[crit.op](np.round(v, 6) + 0.0, round(float(crit.value), 6) + 0.0)
    return np.where(np.isnan(v), 2, np.where(passed, 1, 0)).astype(np.int8), v


def _alternatives(rows: "_Rows", rules: Rules, inc: Incentive, reason, missing, steps) -> None:
    """…的，或…的: met when one alternative is met in full; missing when none is and one lacks data."""
    R = rows.R
    per_alt = []
    for alt in inc.alternatives:
        state = np.ones(R, dtype=np.int8)
        parts = []
        for crit in alt.criteria:
            cs, v = _criterion_state(rows, crit)
            state = _and3(state, cs)
            parts.append(("criterion", crit, cs, v))
        for q in alt.qualifications:
            held, _ = rows.held(q.name, q.level)
            qs = np.where(held == 0, 1, 0).astype(np.int8)
            state = _and3(state, qs)
            parts.append(("qualification", q, qs, None))
        per_alt.append((state, parts))
    S = np.vstack([a for a, _ in per_alt])
    met = (S == 1).any(axis=0)
    unknown = ~met & (S == 2).any(axis=0)
    missing |= unknown
    reason |= ~met & ~unknown
    steps.append(_Alternatives(inc, per_alt, rules))


class _Alternatives(_Step):
    def __init__(self, inc, per_alt, rules):
        self.inc, self.per_alt, self.rules = inc, per_alt, rules

    def _text(self, rd, kind, item, state, v):
        if kind == "qualification":
            return M("holds {name}", name=_req_name(item)) if state == 1 else M("needs {name}", name=_req_name(item))
        m = self.rules.metrics[item.metric]
        unit = item.unit_as_written or item.unit
        need = (M("{op} {value}", op=OP_TEXT[item.op], value=rd.show(item.metric, item.value, unit))
                if not isinstance(item.value, bool) else _yes(item.value))
        shown = M("not given") if v != v else (rd.show(item.metric, rd.value(item.metric, v), unit)
                                               if not isinstance(item.value, bool) else _yes(bool(v)))
        if state != 1:
            return M("{label} {shown}, needs {need}", label=m.label, shown=shown, need=need)
        return M("{label} {shown} {need}", label=m.label, shown=shown, need=need)

    def say(self, rd, t):
        r = rd.r
        labels = [a.label for a in self.inc.alternatives]
        states = [int(st[r]) for st, _ in self.per_alt]
        row = {"step": "alternatives", "labels": labels, "states": [{0: "failed", 1: "met", 2: "missing"}[x]
                                                                    for x in states]}
        if 1 in states:
            k = states.index(1)
            t.met.append(M("alternative {label}", label=labels[k]))
            t.checks.append({**row, "state": "met", "met": labels[k]})
            return
        if 2 in states:
            for (st, parts), s_ in zip(self.per_alt, states):
                if s_ != 2:
                    continue
                for kind, item, cs, v in parts:
                    if int(cs[r]) == 2 and kind == "criterion":
                        name = rd.field_name(item.metric)
                        if name not in t.missing:
                            t.missing.append(name)
            t.checks.append({**row, "state": "missing"})
            return
        why = []
        for alt, (st, parts) in zip(self.inc.alternatives, self.per_alt):
            failed = [self._text(rd, kind, item, int(cs[r]), float(v[r]) if v is not None else None)
                      for kind, item, cs, v in parts if int(cs[r]) == 0]
            why.append(M("{label}: {failed}", label=alt.label, failed=Msg.join("; ", failed)))
        t.reasons.append(M("meets none of the alternatives ({why})", why=Msg.join(" | ", why)))
        t.checks.append({**row, "state": "failed"})


def _per_unit(rows: "_Rows", inc: Incentive, reason, missing, steps):
    """元/平方米/月 × quantity (at most max_quantity) × months, capped by cap_wan."""
    pu = inc.per_unit
    q = rows.value(pu.metric)
    used = np.minimum(q, pu.max_quantity) if pu.max_quantity is not None else q
    raw = np.round(pu.amount_wan * used * pu.months, 6)
    amount = np.minimum(raw, inc.cap_wan) if inc.cap_wan is not None else raw
    gone = np.isnan(q)
    none = ~gone & (q <= 0)
    missing |= gone
    reason |= none
    amount = np.where(gone | none, np.nan, np.round(amount, 4))
    steps.append(_PerUnitStep(inc, q, used, raw))
    return amount


class _PerUnitStep(_Step):
    def __init__(self, inc, q, used, raw):
        self.inc, self.q, self.used, self.raw = inc, q, used, raw

    def say(self, rd, t):
        inc, pu, r = self.inc, self.inc.per_unit, rd.r
        m = rd.ev.rules.metrics[pu.metric]
        q = float(self.q[r])
        row = {"step": "amount", "basis": "per_unit", "per_unit_wan": pu.amount_wan, "metric": pu.metric,
               "quantity": None if q != q else q, "months": pu.months}
        if q != q:
            t.missing.append(rd.field_name(pu.metric))
            t.checks.append({**row, "state": "missing"})
            return
        if q <= 0:
            t.reasons.append(M("{label} {shown} gives no quantity for the per-unit award", label=m.label,
                               shown=rd.show(pu.metric, q)))
            t.checks.append({**row, "state": "failed"})
            return
        used, raw = float(self.used[r]), float(self.raw[r])
        per = f"{num(pu.amount_as_written)}{pu.unit_as_written}/{next(iter(rd.ev.rules.units[m.dimension]), '')}"
        if pu.period:
            per += "/月" if pu.period == "month" else "/年"
        qty = rd.show(pu.metric, q)
        if pu.max_quantity is not None and used < q - _EPS:
            qty = M("min({a}, {b})", a=qty, b=rd.show(pu.metric, pu.max_quantity, pu.quantity_unit))
        text = (M("{per} × {label} {qty} × 12 months", per=per, label=m.label, qty=qty) if pu.period == "month"
                else M("{per} × {label} {qty}", per=per, label=m.label, qty=qty))
        t.ceiling = t.ceiling or bool(inc.ceiling)
        cap = inc.cap_wan
        bound = cap is not None and raw > cap + _EPS
        if cap is not None:
            t.steps.append(_min(M("{a} = {b}", a=text, b=num(raw)), num(cap), num(min(raw, cap))))
            if bound:
                t.notes.append(_cap_binds(cap))
        else:
            t.steps.append(M("{a} = {b}", a=text, b=num(raw)))
        t.checks.append({**row, "state": "info", "quantity_used": used, "raw_wan": raw, "cap_wan": cap,
                         "cap_binds": bool(bound)})


def _persons(rows: "_Rows", inc: Incentive, amount, missing, steps):
    """每人: the amount is for each person; × the count of persons when the rules name its metric."""
    if inc.persons_metric is None:
        steps.append(_Persons(inc, None))
        return amount
    n = rows.value(inc.persons_metric)
    missing |= np.isnan(n) & ~np.isnan(amount)
    steps.append(_Persons(inc, n))
    return np.where(np.isnan(n), amount, np.round(amount * n, 4))


class _Persons(_Step):
    def __init__(self, inc, n):
        self.inc, self.n = inc, n

    def say(self, rd, t):
        inc = self.inc
        if self.n is None:
            t.notes.append(M("per person (每人): the amount is for each person"))
            t.checks.append({"step": "per_person", "state": "info", "persons": None})
            return
        n = float(self.n[rd.r])
        if n != n:
            t.missing.append(rd.field_name(inc.persons_metric))
            t.checks.append({"step": "per_person", "state": "missing", "persons": None})
            return
        m = rd.ev.rules.metrics[inc.persons_metric]
        t.steps.append(M("× {label} {n} persons", label=m.label, n=num(n)))
        t.checks.append({"step": "per_person", "state": "info", "persons": n})


class _PaidTo(_Step):
    """Paid to persons or an intermediary: shown as such, never as the firm's money."""

    def __init__(self, inc):
        self.inc = inc

    def say(self, rd, t):
        who = OTHER_RECIPIENTS[self.inc.recipient]
        t.notes.append(M("paid to {who}, not to the firm: not in the firm's total", who=M(who)))
        t.checks.append({"step": "paid_to", "state": "info", "recipient": self.inc.recipient})


class _ShareCap(_Step):
    """A cap that is a share of another figure: which figure, and whether the profile gives it."""

    def __init__(self, lim, base, gone):
        self.lim, self.base, self.gone = lim, base, gone

    def say(self, rd, t):
        lim, r = self.lim, rd.r
        b = float(self.base[r])
        row = {"step": "share_cap", "share_percent": lim.share_percent, "share_of": lim.share_of,
               "base": None if b != b else b, "amount_wan": lim.amount_wan, "quote": lim.quote}
        if self.gone[r]:
            t.missing.append(rd.field_name(lim.share_of))
            t.checks.append({**row, "state": "missing"})
            return
        if b != b:
            return
        label = rd.ev.rules.metrics[lim.share_of].label
        share = round(lim.share_percent / 100 * b, 4)
        cap = share if lim.amount_wan is None else min(share, float(lim.amount_wan))
        text = f"{num(lim.share_percent)}% × {label} {num(b)} = {num(share)}"  # arithmetic
        if lim.amount_wan is not None:
            text = _min(num(lim.amount_wan), text, num(cap))
        t.notes.append(M("cap {text}万元 ({quote})", text=text, quote=lim.quote))
        t.checks.append({**row, "state": "info", "cap_wan": cap})


def _first(rows_of_pairs: np.ndarray, values: np.ndarray, R: int, default=-1) -> np.ndarray:
    """Per row, `values` of its first pair (pairs in order), `default` where it has none."""
    out = np.full(R, default, dtype=values.dtype if len(values) else np.int64)
    if len(rows_of_pairs):
        uniq, idx = np.unique(rows_of_pairs, return_index=True)
        out[uniq] = values[idx]
    return out


def _limits(st: _State, rows: _Rows, c: CompiledIncentive, amount, tier, reason, steps, missing=None):
    """Earlier awards and the text's limits (module docstring, step 6)."""
    inc, pop, R, year = c.rule, st.pop, rows.R, st.year
    aw = st.aw

    def pairs(scope, per=None, extra=None):
        """(row, award) pairs of counted awards of incentives in `scope`, in award order."""
        sel = aw[np.isin(pop.award_incentive[aw], list(scope))]
        if extra is not None:
            sel = sel[extra(sel)]
        r, k = rows.by_entry(pop.award_owner[sel], pop.award_project[sel], "any" if per == "enterprise" else "award")
        return r, sel[k]

    own_r, own_a = pairs((c.index,))
    own_count = np.bincount(own_r, minlength=R)
    has_amount = ~np.isnan(amount)
    ids = st.ev.ids
    # 首次: each level once
    if inc.first_time:
        if tier is not None:
            labels = np.array([tr.label for tr in inc.tiers] + [""], dtype=object)
            words = np.array([tr.level or "" for tr in inc.tiers] + [""], dtype=object)
            lv = np.array(pop.award_levels, dtype=object)[pop.award_level[own_a]] if len(own_a) else \
                np.array([], dtype=object)
            chosen = tier[own_r]
            same = (lv != "") & ((lv == labels[chosen]) | (lv == words[chosen])) & (chosen >= 0)
            higher = (chosen >= 0) & ((pop.award_amount[own_a] >= amount[own_r] - _EPS) | same)
            first_higher = _first(own_r[higher], own_a[higher], R)
            blocked_level = (first_higher >= 0) & has_amount & (tier >= 0)
            first_any = _first(own_r, own_a, R)
            blocked_plain = (first_any >= 0) & ~(has_amount & (tier >= 0))
            fh = np.where(blocked_level, first_higher, -1)
            fp = np.where(blocked_plain, first_any, -1)
            reason |= blocked_level | blocked_plain
            steps.append(_Earlier(fh, lambda rd, a: M(
                "already received {amount}万元 in {year} at this level or higher; 首次 pays each level once ({where})",
                amount=num(pop.award_amount[a]), year=int(pop.award_year[a]), where=rd.award_where(a)), "first_time"))
            steps.append(_Earlier(fp, lambda rd, a: M(
                "already received in {year} ({amount}万元, {where}); paid the first time only (首次)",
                year=int(pop.award_year[a]), amount=num(pop.award_amount[a]), where=rd.award_where(a)), "first_time"))
        else:
            fp = _first(own_r, own_a, R)
            reason |= fp >= 0
            steps.append(_Earlier(fp, lambda rd, a: M(
                "already received in {year} ({amount}万元, {where}); paid the first time only (首次)",
                year=int(pop.award_year[a]), amount=num(pop.award_amount[a]), where=rd.award_where(a)), "first_time"))
    # 一次性 is paid once (shared/glossary.md), unless the text says when it repeats: 首次 (each level),
    # 进档差额 (the difference), N年内不重复 (after the window). For an item (licence, app) only an award
    # naming that item: one naming none may be for another item.
    if (inc.frequency == "once" and not inc.first_time and not inc.limit("tier_difference")
            and not inc.limit("no_repeat_years")):
        named = (rows.proj[own_r] < 0) | (pop.award_project[own_a] == rows.proj[own_r])
        fo = _first(own_r[named], own_a[named], R)
        reason |= fo >= 0
        steps.append(_Earlier(fo, lambda rd, a: M(
            "already received in {year} ({amount}万元, {where}); 一次性: paid once",
            year=int(pop.award_year[a]), amount=num(pop.award_amount[a]), where=rd.award_where(a)), "once"))
    if inc.limit("tier_difference"):
        apply = (own_count > 0) & has_amount & ~reason
        received = np.bincount(own_r, weights=pop.award_amount[own_a], minlength=R)
        before = amount.copy()
        new = np.maximum(0.0, amount - received)
        reason |= apply & (new <= _EPS)
        amount = np.where(apply, new, amount)

        def years_of(r, own_r=own_r, own_a=own_a):
            return [int(pop.award_year[a]) for a in own_a[own_r == r]]
        steps.append(_TierDifference(apply, before, received, years_of))
    for lim, scope in zip(inc.limits, c.scopes):
        scope_ids = [ids[i] for i in scope]
        if lim.kind == "no_repeat_years":
            rr, ra = pairs(scope, lim.per)
            recent = (year - pop.award_year[ra]) < lim.years
            last = np.full(R, -1, dtype=np.int64)
            np.maximum.at(last, rr[recent], pop.award_year[ra[recent]])
            blocked = last >= 0
            reason |= blocked
            any_r, _ = pairs(scope)
            earlier = (np.bincount(any_r, minlength=R) > 0) & ~blocked
            steps.append(_Mask(blocked, lambda r, last=last, lim=lim: M(
                "received in {year}; {quote}: not again before {next}", year=int(last[r]), quote=lim.quote,
                next=int(last[r] + lim.years)), "reasons", "no_repeat_years", "failed"))
            steps.append(_Mask(earlier, lambda r, lim=lim: M("last award outside the {years}-year window",
                                                             years=lim.years), "met", "no_repeat_years", "met"))
        elif lim.kind == "one_per_year":
            rr, ra = pairs(scope, lim.per)
            same = pop.award_year[ra] == year
            rr, ra = rr[same], ra[same]
            pos = {i: k for k, i in enumerate(scope)}
            key = np.array([pos[int(i)] for i in pop.award_incentive[ra]], dtype=np.int64)
            order = np.lexsort((ra, key))
            first = _first(rr[order], ra[order], R)
            reason |= first >= 0
            steps.append(_Earlier(first, lambda rd, a, lim=lim: M(
                "already received {incentive} in {year} ({where}); {quote}", incentive=ids[int(pop.award_incentive[a])],
                year=year, where=rd.award_where(a), quote=lim.quote), "one_per_year"))
            others = [i for i in scope_ids if i != c.id]
            if others:
                steps.append(_Static("notes", M("one per year among {ids} ({quote})", ids=Msg.join(", ", scope_ids),
                                                quote=lim.quote), "one_per_year"))
        elif lim.kind in ("annual_total_cap", "total_cap"):
            rr, ra = pairs(scope, lim.per)
            if lim.kind == "annual_total_cap":
                same = pop.award_year[ra] == year
                rr, ra = rr[same], ra[same]
            count = np.bincount(rr, minlength=R)
            used = np.bincount(rr, weights=pop.award_amount[ra], minlength=R)
            cap = np.full(R, float(lim.amount_wan) if lim.amount_wan is not None else np.inf)
            share_base = None
            if lim.share_percent is not None:
                # 不超过其经济贡献的P%: the cap is a share of another figure (the smaller, with amount_wan)
                share_base = rows.value(lim.share_of)
                gone = np.isnan(share_base)
                if missing is not None:
                    missing |= gone & ~np.isnan(amount)
                cap = np.where(gone, cap, np.minimum(cap, np.round(lim.share_percent / 100 * share_base, 4)))
                steps.append(_ShareCap(lim, share_base, gone & ~np.isnan(amount)))
            remaining = np.maximum(0.0, cap - used)
            had = count > 0
            used_up = (had | (cap <= _EPS)) & (remaining <= _EPS)
            binds = ~used_up & ~np.isnan(amount) & (amount > remaining + _EPS)
            left = ~used_up & ~binds & had
            reason |= used_up
            state = np.where(used_up, _Cap.USED_UP, np.where(binds, _Cap.BINDS, np.where(left, _Cap.LEFT, _Cap.NONE)))
            steps.append(_Cap(lim, year, state.astype(np.int8), used, had, amount.copy(), cap))
            amount = np.where(binds, remaining, amount)
        elif lim.kind == "per_item_cap":
            binds = ~np.isnan(amount) & (amount > lim.amount_wan + _EPS)
            steps.append(_PerItemCap(lim, binds, amount.copy()))
            amount = np.where(binds, float(lim.amount_wan), amount)
        elif lim.kind == "budget":
            steps.append(_Static("notes", M("from a shared budget: {quote}", quote=lim.quote), "budget"))
        elif lim.kind == "alternative":
            steps.append(_Static("notes", M("an alternative to {ids}: {quote}",
                                            ids=Msg.join(", ", [i for i in scope_ids if i != c.id]), quote=lim.quote),
                                 "alternative"))
    if inc.max_years and inc.frequency == "yearly":
        before = pop.award_year[own_a] < year
        r_, y_ = own_r[before], pop.award_year[own_a[before]]
        if len(r_):
            pairs_ry = np.unique(r_ * 10_000 + y_)
            years = np.bincount(pairs_ry // 10_000, minlength=R)
        else:
            years = np.zeros(R, dtype=np.int64)
        blocked = years >= inc.max_years
        reason |= blocked

        def text(r, own_r=own_r, own_a=own_a):
            ys = sorted({int(pop.award_year[a]) for a in own_a[own_r == r] if pop.award_year[a] < year})
            return M("already paid for {n} years ({years}); at most {most} years", n=len(ys),
                     years=Msg.join(", ", map(str, ys)), most=inc.max_years)
        steps.append(_Mask(blocked, text, "reasons", "max_years", "failed"))
    return amount


__all__ = ["Block", "Check", "CompiledIncentive", "DERIVED", "DISTRICT_DISCRETION", "Evaluator", "NOT_ENTERPRISE",
           "STATUSES", "Trace", "compile_rules", "num"]
