"""Rules as data: read ``data/incentives.yaml`` (+ metrics, qualifications) strictly.

The contract is ``docs/rules.md``. Every amount, rate and threshold lives in the
YAML; this module only checks its shape and stores values canonically (money in
万元, shares in %). Errors are `DataError`s naming the file and the key path, e.g.
``data/incentives.yaml: incentives[3] (id 2.1).criteria[0].unit: '亿' is not a money unit; ...``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from policykg.errors import DataError
from policykg.i18n import M, N_


def _text(value):
    """Free text the rules' authors wrote (a note, a description): a message, read in the reader's
    language from the catalog (scripts/i18n.py extracts these from the bundled data)."""
    return M(value) if isinstance(value, str) else value
from policykg.loaders.yamlio import DatesAsTextLoader, check_keys, load_yaml_text, read_text_file
from policykg.rules.documents import attach, documents_beside, limit_provision
from policykg.rules.schema import check_shape, unknown_key

from policykg.paths import DATA_DIR, PACKAGE_DIR, data_path, display_path

INCENTIVES_PATH = data_path("incentives.yaml")
METRICS_PATH = data_path("metrics.yaml")
QUALIFICATIONS_PATH = data_path("qualifications.yaml")

# The bundled compilation's size; graph.rules_graph re-checks against the source read.

KINDS = {"奖励", "补助", "资助", "配套", "券", "支持", "保障", "措施"}
PAYERS = {"city", "district", "unstated"}
RECIPIENTS = {
    "enterprise", "project", "product", "platform", "app", "licence", "park",
    "district_government", "institution", "public", "person", "intermediary",
}
#: Recipients that are not the firm although the firm's profile decides the award (人才 of the firm,
#: the 引荐方 that brought it): their money is shown apart, never in the firm's totals.
OTHER_RECIPIENTS = {"person": N_("persons (人才/员工)"), "intermediary": N_("an intermediary (引荐方/中介/平台)")}
#: Recipients evaluated one project at a time (the profile lists its projects).
PROJECT_RECIPIENTS = {"project", "product", "platform", "app", "licence"}
BASES = {"fixed", "tiers", "rate", "matching", "per_unit", "unspecified", "defers_to", "non_monetary"}
FREQUENCIES = {"once", "yearly", "per_award"}
OPS = {">=", ">", "<=", "<", "=="}
#: A criterion's op that needs no value: 正增长 (> 0 in the metric's canonical unit).
POSITIVE = "positive"
PER_UNIT_PERIODS = {"month": 12, "year": 1}  # 每月: 12 a year (yearly awards); 每年: 1
LEVELS = {"national", "provincial", "municipal"}
SELECTION_METHODS = {"择优", "评选", "评定", "认定", "遴选", "排名", "征集"}
LIMIT_KINDS = {
    "tier_difference", "no_repeat_years", "one_per_year", "annual_total_cap", "total_cap",
    "per_item_cap", "budget", "alternative",
}
LIMIT_PER = {"enterprise", "project", "product", "participant", "provider", "licence", "year"}
#: Fields each basis requires and allows (beyond the common ones).
BASIS_FIELDS = {
    "fixed": ({"amount_wan"}, {"amount_wan", "ceiling", "amount_min_wan"}),
    "tiers": ({"tiers"}, {"tiers", "tier_metric", "tier_op", "rate_base", "cap_wan", "ceiling"}),
    "rate": ({"rate_base"},
             {"rate_percent", "rate_permille", "rate_ceiling", "rate_base", "rate_base_excess_over_percent_of",
              "cap_wan", "phases", "phase_start"}),
    "matching": ({"rate_base"}, {"rate_percent", "rate_permille", "rate_ceiling", "rate_base", "cap_wan"}),
    "per_unit": ({"per_unit"}, {"per_unit", "ceiling", "cap_wan"}),
    "unspecified": ({"note"}, {"note"}),
    "defers_to": ({"defers_to"}, {"defers_to", "note"}),
    "non_monetary": ({"note"}, {"note"}),
}
BASIS_ONLY = set().union(*(allowed for _, allowed in BASIS_FIELDS.values())) - {"note", "defers_to"}
COMMON_KEYS = {
    "id", "provision", "name", "quote", "kind", "payer", "recipient", "basis", "frequency",
    "max_years", "first_time", "selection", "industries", "criteria", "qualifications",
    "qualifications_mode", "limits", "defers_to", "note", "project_kind", "effective_from",
    "effective_until", "per_person", "persons_metric", "alternatives",
}
ID_RE = re.compile(r"^(\d+)\.(\d+)$")
TIER_KEYS = {"label", "min", "unit", "qualification", "level", "amount_wan", "rate_percent", "quota", "max",
             "max_op", "min_op", "criteria", "amount_min_wan", "rate_permille", "cap_wan"}
LIMIT_KEYS = {"kind", "quote", "years", "group", "amount_wan", "per", "share_percent", "share_of", "provision"}
PER_UNIT_KEYS = {"amount", "unit", "metric", "period", "max_quantity", "quantity_unit"}
PHASE_KEYS = {"from_year", "to_year", "rate_percent", "rate_permille", "rate_ceiling", "quote"}
#: The dimension of a year metric (落户年份): what a phased rate counts its years from.
YEAR_DIMENSION = "year"
ALTERNATIVE_KEYS = {"label", "quote", "criteria", "qualifications"}



# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Metric:
    """A quantity a profile (or one of its projects) states: ``revenue``, ``project.investment``."""

    key: str
    label: str
    dimension: str
    description: str
    scope: str  # 'enterprise' | 'project'
    computed_from: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The profile field: the key without its ``project.`` prefix."""
        return self.key.split(".", 1)[1] if self.scope == "project" else self.key


@dataclass(frozen=True)
class ProjectKind:
    key: str
    label: str
    description: str
    metrics: tuple[str, ...]  # full keys, ``project.<field>``


@dataclass(frozen=True)
class QualificationDef:
    name: str
    label: str
    levels: tuple[str, ...]
    aliases: tuple[str, ...]
    description: str = ""


# --------------------------------------------------------------------------- incentives


@dataclass(frozen=True)
class Criterion:
    """A threshold: ``metric op value`` (value canonical), or ``stated=False`` (set by the agency)."""

    quote: str
    stated: bool = True
    metric: str | None = None
    op: str | None = None
    value: float | bool | None = None  # canonical unit (万元, %); bool for flags
    unit: str | None = None  # canonical unit
    value_as_written: float | bool | None = None
    unit_as_written: str | None = None


@dataclass(frozen=True)
class Tier:
    """One level: reached by ``min`` of the tier metric and/or holding ``qualification``."""

    label: str
    min: float | None = None  # canonical unit of the tier metric
    unit: str | None = None
    min_as_written: float | None = None
    unit_as_written: str | None = None
    qualification: str | None = None
    level: str | None = None
    amount_wan: float | None = None
    rate_percent: float | None = None
    quota: int | None = None  # 每年认定不超过N家 for this level
    #: X（含）至Y: the level is for values below `max` (`max_op` "<", or "<=" for Y（含）以下).
    max: float | None = None
    max_as_written: float | None = None
    max_op: str = "<"
    min_op: str | None = None  # overrides the incentive's tier_op for this level
    criteria: tuple["Criterion", ...] = ()  # an extra condition of this level only (仅限…)
    amount_min_wan: float | None = None  # a-b万元: the a (the level pays up to amount_wan)
    rate_permille: float | None = None  # as written when the text says ‰ (rate_percent = ‰ / 10)
    #: 对国家级的给予100%的资金配套，最高500万元: the level's own cap on its rate × base (the incentive's cap_wan
    #: still bounds every level)
    cap_wan: float | None = None


@dataclass(frozen=True)
class QualificationReq:
    name: str
    level: str | None
    quote: str
    #: Entries sharing a group: any one of them meets the group; every group must be met.
    #: None: the entry counts under the incentive's `qualifications_mode` (all / any).
    group: str | None = None


@dataclass(frozen=True)
class Selection:
    """Competitive or recognition-based: meeting the criteria makes a candidate only."""

    quote: str
    method: str | None = None
    quota: int | None = None
    per: str | None = None


@dataclass(frozen=True)
class Limit:
    kind: str
    quote: str
    years: int | None = None
    group: str | None = None
    amount_wan: float | None = None
    per: str | None = None
    #: A cap that is a share of another figure: 不超过其经济贡献的P% (with amount_wan: the smaller).
    share_percent: float | None = None
    share_of: str | None = None
    #: The provision whose text holds `quote` when another article sets the limit (第八条's 最高3000万元…详见本办法
    #: 第九条、第十条 over the awards of 第九条, 第十条); None: the incentive's own provision.
    provision: int | None = None


@dataclass(frozen=True)
class PerUnit:
    """元/平方米/月 × a quantity metric (× 12 a year for 每月), the quantity capped by max_quantity."""

    amount_wan: float  # per unit of the metric (per period), in 万元
    amount_as_written: float
    unit_as_written: str
    metric: str
    period: str | None = None  # month | year | None (once per unit)
    max_quantity: float | None = None  # canonical unit of the metric
    max_quantity_as_written: float | None = None
    quantity_unit: str | None = None

    @property
    def months(self) -> int:
        return PER_UNIT_PERIODS.get(self.period or "", 1)


@dataclass(frozen=True)
class Phase:
    """Years from_year..to_year (1 = the year of the incentive's phase_start) pay rate_percent of the base
    (前三年按其经济贡献的95%…，后两年给予50%)."""

    from_year: int
    to_year: int
    rate_percent: float
    quote: str
    rate_permille: float | None = None  # as written when the text says ‰
    rate_ceiling: bool = False  # 最高70%: the rate is "up to"


@dataclass(frozen=True)
class Alternative:
    """One way to qualify (…的，或…的): all its criteria and qualifications."""

    label: str
    quote: str
    criteria: tuple["Criterion", ...] = ()
    qualifications: tuple["QualificationReq", ...] = ()


@dataclass(frozen=True)
class DefersTo:
    quote: str
    policy: int | None = None
    document: str | None = None
    unnamed: str | None = None

    @property
    def target(self) -> str:
        if self.policy is not None:
            return f"policy {self.policy}"
        return self.document or self.unnamed or ""


@dataclass(frozen=True)
class ExcessOver:
    """P3: the base is the part above ``percent``% of ``metric``."""

    percent: float
    metric: str


@dataclass(frozen=True)
class Incentive:
    id: str
    provision: int
    name: str
    quote: str
    kind: str
    payer: str
    recipient: str
    basis: str
    frequency: str
    amount_wan: float | None = None
    ceiling: bool = False
    tiers: tuple[Tier, ...] = ()
    tier_metric: str | None = None
    tier_op: str = ">="
    rate_percent: float | None = None
    rate_ceiling: bool = False
    rate_base: str | None = None
    rate_base_excess_over: ExcessOver | None = None
    cap_wan: float | None = None
    note: str | None = None
    max_years: int | None = None
    first_time: bool = False
    selection: Selection | None = None
    industries: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    qualifications: tuple[QualificationReq, ...] = ()
    qualifications_mode: str = "all"
    limits: tuple[Limit, ...] = ()
    defers_to: DefersTo | None = None
    project_kind: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    max_amount_wan: float | None = None
    amount_min_wan: float | None = None  # a-b万元: the a (amount_wan is b, ceiling true)
    rate_permille: float | None = None  # as written when the text says ‰ (rate_percent = ‰ / 10)
    per_unit: PerUnit | None = None
    per_person: bool = False  # 每人: the amount is for each person (recipient person)
    persons_metric: str | None = None  # how many such persons: the amount × this count
    alternatives: tuple[Alternative, ...] = ()
    #: A time-phased rate: the rate of the year since phase_start (a year metric: 落户年份, 设立年份).
    phases: tuple[Phase, ...] = ()
    phase_start: str | None = None

    @property
    def paid_to_others(self) -> bool:
        """Paid to persons or an intermediary: never the firm's money (docs/rules.md)."""
        return self.recipient in OTHER_RECIPIENTS

    @property
    def per_project(self) -> bool:
        """Evaluated once per project of the profile (``project_kind`` set)."""
        return self.project_kind is not None

    def limit(self, kind: str) -> Limit | None:
        return next((lim for lim in self.limits if lim.kind == kind), None)

    @property
    def qualification_clauses(self) -> tuple[tuple[QualificationReq, ...], ...]:
        """The qualifications as clauses that must all be met, any one entry meeting a clause.

        Entries without a group: one clause each (`qualifications_mode` all), or one clause of
        them all (any). Each group: one clause of its entries. No qualifications: no clause.
        """
        loose = tuple(q for q in self.qualifications if q.group is None)
        clauses = [(q,) for q in loose] if self.qualifications_mode == "all" else ([loose] if loose else [])
        groups: dict[str, list[QualificationReq]] = {}
        for q in self.qualifications:
            if q.group is not None:
                groups.setdefault(q.group, []).append(q)
        return tuple(clauses) + tuple(tuple(members) for members in groups.values())


@dataclass(frozen=True)
class Rules:
    path: str
    version: int
    incentives: tuple[Incentive, ...]
    metrics: dict[str, Metric]
    units: dict[str, dict[str, float]]
    project_kinds: dict[str, ProjectKind]
    qualifications: dict[str, QualificationDef]
    by_id: dict[str, Incentive] = field(repr=False, default_factory=dict)
    #: The compilation the rules are written for (its preface states both counts).
    policy_count: int = 0
    provision_count: int = 0

    def canonical_unit(self, dimension: str) -> str | None:
        table = self.units.get(dimension) or {}
        return next(iter(table), None)


def max_amount_wan(inc: Incentive) -> float | None:
    """The most one recipient can get from one award (docs/rules.md), or None.

    fixed: amount_wan; tiers: the top level's amount, capped by cap_wan (cap_wan alone when
    levels pay a rate); rate/matching: cap_wan. With no such bound, the tightest of the
    text's own annual_total_cap/total_cap limits (P31 资助总额, P40 同一家企业年度支持总额).
    """
    value: float | None = None
    if inc.basis == "fixed":
        value = inc.amount_wan
    elif inc.basis == "tiers":
        if any(t.rate_percent is not None for t in inc.tiers):
            value = inc.cap_wan
        else:
            amounts = [t.amount_wan for t in inc.tiers if t.amount_wan is not None]
            bounds = ([max(amounts)] if amounts else []) + ([inc.cap_wan] if inc.cap_wan is not None else [])
            value = min(bounds) if bounds else None
    elif inc.basis in ("rate", "matching", "per_unit"):
        value = inc.cap_wan
    if value is None and inc.basis in ("fixed", "tiers", "rate", "matching", "per_unit"):
        caps = [lim.amount_wan for lim in inc.limits
                if lim.kind in ("annual_total_cap", "total_cap") and lim.amount_wan is not None]
        value = min(caps) if caps else None
    return value


# --------------------------------------------------------------------------- loading


def _display(path: Path) -> str:
    return display_path(path)


def _read(path: Path) -> Any:
    name = _display(path)
    text = read_text_file(path, "rules", name=name)
    # Dates stay text, so a bad one (2025-02-30) is reported naming its key by _date.
    return load_yaml_text(text, name, DatesAsTextLoader)


class _Ctx:
    """Where we are (file + key path) for error messages."""

    def __init__(self, file: str, path: str = ""):
        self.file, self.path = file, path

    def at(self, key: str | int) -> "_Ctx":
        if isinstance(key, int):
            return _Ctx(self.file, f"{self.path}[{key}]")
        return _Ctx(self.file, f"{self.path}.{key}" if self.path else key)

    def where(self) -> str:
        return f"{self.file}: {self.path}" if self.path else self.file

    def fail(self, msg: str) -> DataError:
        return DataError(f"{self.where()}: {msg}")

    def keys(self, m: Any, allowed: set[str], required: set[str] = frozenset()) -> dict:
        return check_keys(m, allowed, self.where(), required)


def _str(v: Any, ctx: _Ctx, *, choices: set[str] | None = None, optional: bool = False) -> str | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or not v.strip():
        raise ctx.fail(f"expected a non-empty text, got {v!r}")
    if choices is not None and v not in choices:
        raise ctx.fail(f"{v!r} is not one of {', '.join(sorted(choices))}")
    return v


def _num(v: Any, ctx: _Ctx, *, optional: bool = False, positive: bool = True) -> float | None:
    if v is None and optional:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ctx.fail(f"expected a number, got {v!r}")
    try:
        finite = math.isfinite(float(v))
    except OverflowError:  # an int of 400 digits
        finite = False
    if not finite:  # NaN, inf: never a threshold or an amount
        raise ctx.fail(f"expected a finite number, got {str(v)[:30]}")
    if positive and v <= 0:
        raise ctx.fail(f"expected a positive number, got {v!r}")
    return float(v) if isinstance(v, float) else int(v)


def _int(v: Any, ctx: _Ctx, *, optional: bool = False) -> int | None:
    if v is None and optional:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ctx.fail(f"expected a positive whole number, got {v!r}")
    return v


def _bool(v: Any, ctx: _Ctx, default: bool = False) -> bool:
    if v is None:
        return default
    if not isinstance(v, bool):
        raise ctx.fail(f"expected true or false, got {v!r}")
    return v


def _date(v: Any, ctx: _Ctx) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise ctx.fail(f"{v!r} is not a valid date; use YYYY-MM-DD") from None


def _list(v: Any, ctx: _Ctx) -> list:
    if v is None:
        return []
    if not isinstance(v, list):
        raise ctx.fail(f"expected a list, got {type(v).__name__}")
    return v


def _load_metrics(path: Path):
    ctx = _Ctx(_display(path))
    doc = ctx.keys(_read(path), {"version", "units", "metrics", "project_metrics", "project_kinds"},
                   {"version", "units", "metrics"})
    units: dict[str, dict[str, float]] = {}
    for dim, table in ctx.keys(doc["units"], set(map(str, doc["units"] or {}))).items():
        c = ctx.at("units").at(dim)
        if not isinstance(table, dict):
            raise c.fail("expected a mapping of unit: factor to the canonical unit")
        for unit, factor in table.items():
            _num(factor, c.at(str(unit)))
        if table and next(iter(table.values())) != 1:
            raise c.fail("the first unit is the canonical one and must have factor 1")
        units[str(dim)] = {str(u): f for u, f in table.items()}
    metrics: dict[str, Metric] = {}
    for section, scope in (("metrics", "enterprise"), ("project_metrics", "project")):
        for key, m in (doc.get(section) or {}).items():
            c = ctx.at(section).at(str(key))
            c.keys(m, {"label", "dimension", "description", "computed_from"}, {"label", "dimension", "description"})
            dim = _str(m["dimension"], c.at("dimension"))
            if dim not in units:
                raise c.at("dimension").fail(f"{dim!r} has no unit table; known: {', '.join(units)}")
            full = f"project.{key}" if scope == "project" else str(key)
            metrics[full] = Metric(full, _str(m["label"], c.at("label")), dim,
                                   _text(_str(m["description"], c.at("description"))), scope,
                                   tuple(_list(m.get("computed_from"), c.at("computed_from"))))
    for key, m in metrics.items():
        for i, src in enumerate(m.computed_from):
            if src not in metrics:
                raise ctx.at("metrics").at(m.field).at("computed_from").at(i).fail(f"unknown metric {src!r}")
    kinds: dict[str, ProjectKind] = {}
    for key, k in (doc.get("project_kinds") or {}).items():
        c = ctx.at("project_kinds").at(str(key))
        c.keys(k, {"label", "description", "metrics"}, {"label", "description"})
        fields = []
        for i, f in enumerate(_list(k.get("metrics"), c.at("metrics"))):
            if f"project.{f}" not in metrics:
                raise c.at("metrics").at(i).fail(f"unknown project metric {f!r}; add it under project_metrics")
            fields.append(f"project.{f}")
        kinds[str(key)] = ProjectKind(str(key), _str(k["label"], c.at("label")),
                                      _text(_str(k["description"], c.at("description"))), tuple(fields))
    return metrics, units, kinds


def _load_qualifications(path: Path) -> dict[str, QualificationDef]:
    ctx = _Ctx(_display(path))
    doc = ctx.keys(_read(path), {"version", "qualifications"}, {"version", "qualifications"})
    out: dict[str, QualificationDef] = {}
    for name, q in (doc["qualifications"] or {}).items():
        c = ctx.at("qualifications").at(str(name))
        c.keys(q, {"label", "levels", "aliases", "description"}, {"label", "levels"})
        out[str(name)] = qualification_def(str(name), q, c)
    return out


def qualification_def(name: str, q: dict, c) -> QualificationDef:
    """One title of a qualifications block (data/qualifications.yaml or a rules file's own), its
    keys already checked at `c`."""
    levels = _list(q.get("levels"), c.at("levels"))
    for i, lv in enumerate(levels):
        _str(lv, c.at("levels").at(i), choices=LEVELS)
    return QualificationDef(name, _str(q["label"], c.at("label")), tuple(levels),
                            tuple(_list(q.get("aliases"), c.at("aliases"))), q.get("description") or "")


class _IncentiveParser:
    def __init__(self, metrics, units, kinds, quals, policy_count: int, provision_count: int):
        self.metrics, self.units, self.kinds, self.quals = metrics, units, kinds, quals
        self.policy_count, self.provision_count = policy_count, provision_count

    def money_metric(self, v: Any, ctx: _Ctx, project_kind: str | None, why: str) -> Metric:
        """`metric`, which must be an amount of money (`why` says what needs money)."""
        m = self.metric(v, ctx, project_kind)
        if m.dimension != "money":
            raise ctx.fail(f"{m.key!r} is not money; {why}")
        return m

    def metric(self, v: Any, ctx: _Ctx, project_kind: str | None) -> Metric:
        key = _str(v, ctx)
        m = self.metrics.get(key)
        if m is None:
            raise ctx.fail(f"unknown metric {key!r}; add it to data/metrics.yaml or use one of "
                           f"{', '.join(k for k in self.metrics if not k.startswith('project.'))}")
        if m.scope == "project":
            if project_kind is None:
                raise ctx.fail(f"{key!r} is a project metric; set project_kind on the incentive")
            if key not in self.kinds[project_kind].metrics:
                raise ctx.fail(f"{key!r} is not listed in project_kinds.{project_kind}.metrics")
        return m

    def canonical(self, value: Any, unit: Any, m: Metric, ctx: _Ctx) -> tuple[float, str]:
        table = self.units[m.dimension]
        if unit not in table:
            raise ctx.at("unit").fail(
                f"{unit!r} is not a {m.dimension} unit; use {', '.join(table)}")
        v = _num(value, ctx.at("value"), positive=False)
        x = v * table[unit]
        x = int(x) if float(x).is_integer() else round(x, 6)  # 2.2亿元 -> 22000, not 22000.000000000004
        return x, next(iter(table))

    def criterion(self, c: dict, ctx: _Ctx, pk: str | None) -> Criterion:
        ctx.keys(c, {"metric", "op", "value", "unit", "quote", "stated"}, {"quote"})
        quote = _str(c["quote"], ctx.at("quote"))
        if not _bool(c.get("stated"), ctx.at("stated"), True):
            extra = sorted({"metric", "op", "value", "unit"} & set(c))
            if extra:
                raise ctx.at(extra[0]).fail("a criterion with stated: false has no threshold to give")
            return Criterion(quote=quote, stated=False)
        if c.get("op") == POSITIVE:
            # 正增长: > 0 in the metric's canonical unit; the text states no number
            ctx.keys(c, {"metric", "op", "quote"}, {"metric", "op"})
            m = self.metric(c["metric"], ctx.at("metric"), pk)
            if m.dimension in ("flag",) or not self.units.get(m.dimension):
                raise ctx.at("op").fail(f"'positive' (正增长) is for a numeric metric; {m.key!r} is {m.dimension}")
            unit = next(iter(self.units[m.dimension]))
            return Criterion(quote, True, m.key, ">", 0, unit, 0, unit)
        ctx.keys(c, set(c), {"metric", "op", "value"})
        m = self.metric(c["metric"], ctx.at("metric"), pk)
        op = _str(c["op"], ctx.at("op"), choices=OPS | {POSITIVE})
        if m.dimension == "flag":
            if op != "==" or not isinstance(c["value"], bool) or "unit" in c:
                raise ctx.fail(f"{m.key!r} is a yes/no metric: write op '==', value true/false, no unit")
            return Criterion(quote, True, m.key, op, c["value"], None, c["value"], None)
        if "unit" not in c:
            raise ctx.fail(f"missing required key 'unit' (a {m.dimension} unit: {', '.join(self.units[m.dimension])})")
        value, unit = self.canonical(c["value"], c["unit"], m, ctx)
        return Criterion(quote, True, m.key, op, value, unit, c["value"], c["unit"])

    def tier(self, t: dict, ctx: _Ctx, tier_metric: Metric | None, pk: str | None = None) -> Tier:
        ctx.keys(t, TIER_KEYS, {"label"})
        if "min" not in t and "max" not in t and "qualification" not in t:
            raise ctx.fail("a tier needs min or max (with unit) or qualification")
        if len({"amount_wan", "rate_percent", "rate_permille"} & set(t)) > 1:
            raise ctx.fail("give one of amount_wan, rate_percent, rate_permille")
        minimum = unit = maximum = None
        for key in ("min", "max"):
            if key in t and tier_metric is None:
                raise ctx.at(key).fail(f"tiers with {key} need tier_metric on the incentive")
        if "min" in t:
            minimum, unit = self.canonical(t["min"], t.get("unit"), tier_metric, ctx)
        if "max" in t:
            maximum, unit = self.canonical(t["max"], t.get("unit"), tier_metric, _Ctx(ctx.file, ctx.path))
            if minimum is not None and maximum <= minimum:
                raise ctx.at("max").fail(f"max {t['max']} is not above min {t['min']}: X（含）至Y is X ≤ v < Y")
        max_op = _str(t.get("max_op", "<"), ctx.at("max_op"), choices={"<", "<="})
        if "max_op" in t and "max" not in t:
            raise ctx.at("max_op").fail("max_op is for a level with max")
        min_op = _str(t.get("min_op"), ctx.at("min_op"), choices={">=", ">"}, optional=True)
        if min_op is not None and "min" not in t:
            raise ctx.at("min_op").fail("min_op is for a level with min")
        permille = _num(t.get("rate_permille"), ctx.at("rate_permille"), optional=True)
        if permille is not None and permille > 1000:
            raise ctx.at("rate_permille").fail("a rate in ‰ is at most 1000")
        amin = _num(t.get("amount_min_wan"), ctx.at("amount_min_wan"), optional=True)
        if amin is not None and (t.get("amount_wan") is None or amin >= t["amount_wan"]):
            raise ctx.at("amount_min_wan").fail("a range a-b万元 needs amount_wan (b) above amount_min_wan (a)")
        extra = tuple(self.criterion(c, ctx.at("criteria").at(i), pk)
                      for i, c in enumerate(_list(t.get("criteria"), ctx.at("criteria"))))
        qual, level = (self.qualification(t["qualification"], t.get("level"), ctx, "qualification")
                       if "qualification" in t else (None, None))
        if "level" in t and "qualification" not in t:
            raise ctx.at("level").fail("level is for a tier's qualification")
        rate = _num(t.get("rate_percent"), ctx.at("rate_percent"), optional=True)
        if rate is not None and rate > 100:
            raise ctx.at("rate_percent").fail("a percentage is at most 100")
        if permille is not None:
            rate = permille / 10
        cap = _num(t.get("cap_wan"), ctx.at("cap_wan"), optional=True)
        if cap is not None and rate is None:
            raise ctx.at("cap_wan").fail("a level's cap_wan bounds its rate (…的100%，最高500万元): give rate_percent, "
                                         "or write a fixed level's amount as amount_wan")
        if cap is not None and cap <= 0:
            raise ctx.at("cap_wan").fail("a cap is a positive amount in 万元")
        return Tier(_str(t["label"], ctx.at("label")), minimum, unit, t.get("min"), t.get("unit"), qual, level,
                    _num(t.get("amount_wan"), ctx.at("amount_wan"), optional=True), rate,
                    _int(t.get("quota"), ctx.at("quota"), optional=True),
                    maximum, t.get("max"), max_op, min_op, extra, amin, permille, cap)

    def qualification(self, name: Any, level: Any, ctx: _Ctx, key: str = "name") -> tuple[str, str | None]:
        name = _str(name, ctx.at(key))
        q = self.quals.get(name)
        if q is None:
            raise ctx.at(key).fail(f"unknown qualification {name!r}; add it to data/qualifications.yaml or use one of "
                           f"{', '.join(self.quals)}")
        if level is not None and level not in q.levels:
            raise ctx.at("level").fail(
                f"{level!r} is not a level of {name}; allowed: {', '.join(q.levels) or 'none (leave it null)'}")
        return name, level

    def limit(self, lim: dict, ctx: _Ctx) -> Limit:
        ctx.keys(lim, LIMIT_KEYS, {"kind", "quote"})
        kind = _str(lim["kind"], ctx.at("kind"), choices=LIMIT_KINDS)
        shared = "share_percent" in lim or "share_of" in lim
        if shared and kind not in ("annual_total_cap", "total_cap"):
            raise ctx.at("share_percent" if "share_percent" in lim else "share_of").fail(
                "a cap that is a share of another figure is a total_cap or annual_total_cap")
        need = {"no_repeat_years": {"years"}, "one_per_year": {"group"}, "alternative": {"group"},
                "annual_total_cap": {"share_of"} if shared else {"amount_wan"},
                "total_cap": {"share_of"} if shared else {"amount_wan"},
                "per_item_cap": {"amount_wan", "per"}, "budget": {"amount_wan", "per"}}.get(kind, set())
        ctx.keys(lim, set(lim), need)
        share = _num(lim.get("share_percent"), ctx.at("share_percent"), optional=True)
        if share is not None and share > 1000:
            raise ctx.at("share_percent").fail("expected a percentage (不超过其经济贡献的P%)")
        share_of = None
        if lim.get("share_of") is not None:
            share_of = self.money_metric(lim["share_of"], ctx.at("share_of"), None, "a cap is a share of an amount").key
            if share is None:
                share = 100.0  # 补贴不超过企业实际支出: the whole figure, no percentage written (docs/rules.md)
        return Limit(kind, _str(lim["quote"], ctx.at("quote")),
                     _int(lim.get("years"), ctx.at("years"), optional=True),
                     _str(lim.get("group"), ctx.at("group"), optional=True),
                     _num(lim.get("amount_wan"), ctx.at("amount_wan"), optional=True),
                     _str(lim.get("per"), ctx.at("per"), choices=LIMIT_PER, optional=True),
                     share, share_of, _int(lim.get("provision"), ctx.at("provision"), optional=True))

    def per_unit(self, d: Any, ctx: _Ctx, pk: str | None, frequency: str) -> PerUnit:
        u = ctx.keys(d, PER_UNIT_KEYS, {"amount", "unit", "metric"})
        money = self.units["money"]
        if u["unit"] not in money:
            raise ctx.at("unit").fail(f"{u['unit']!r} is not a money unit; use {', '.join(money)}")
        amount = _num(u["amount"], ctx.at("amount"))
        m = self.metric(u["metric"], ctx.at("metric"), pk)
        if m.dimension in ("money", "percent", "flag"):
            raise ctx.at("metric").fail(f"{m.key!r} is {m.dimension}; a per-unit amount is per unit of a quantity "
                                        "(area 平方米, count 个 …)")
        period = _str(u.get("period"), ctx.at("period"), choices=set(PER_UNIT_PERIODS), optional=True)
        if period == "month" and frequency != "yearly":
            raise ctx.at("period").fail("每月 amounts are paid by the year: set frequency: yearly (12 months a year)")
        mq = mq_unit = None
        if "max_quantity" in u or "quantity_unit" in u:
            ctx.keys(u, set(u), {"max_quantity", "quantity_unit"})
            mq, _ = self.canonical(u["max_quantity"], u["quantity_unit"], m, _Ctx(ctx.file, ctx.path))
            if mq <= 0:
                raise ctx.at("max_quantity").fail("expected a positive quantity")
            mq_unit = u["quantity_unit"]
        wan = amount * money[u["unit"]]
        return PerUnit(round(wan, 10), amount, u["unit"], m.key, period, mq, u.get("max_quantity"), mq_unit)

    def phases(self, d: dict, ctx: _Ctx, pk: str | None, frequency: str,
               max_years: int | None) -> tuple[tuple[Phase, ...], str | None]:
        """前N年…，后M年…: the phases in order from year 1, no gap, no overlap, and the year metric they
        count from (`phase_start`); both or neither."""
        if "phases" not in d and "phase_start" not in d:
            return (), None
        if "phases" not in d or "phase_start" not in d:
            missing = "phase_start" if "phases" in d else "phases"
            raise ctx.at(missing).fail(
                "a phased rate needs both phases (the years and their rates) and phase_start (the year metric "
                "year 1 is counted from, e.g. settled_year for 自落户当年起)")
        start = self.metric(d["phase_start"], ctx.at("phase_start"), pk)
        if start.dimension != YEAR_DIMENSION:
            raise ctx.at("phase_start").fail(f"{start.key!r} is {start.dimension}; the years of a phased rate are "
                                             f"counted from a year metric (dimension {YEAR_DIMENSION}, e.g. settled_year "
                                             "落户年份 under metrics:)")
        if frequency != "yearly":
            raise ctx.at("frequency").fail("a phased rate pays by the year (前三年…，后两年…): set frequency: yearly")
        items = _list(d["phases"], ctx.at("phases"))
        if len(items) < 2:
            raise ctx.at("phases").fail("give at least two phases (前三年…，后两年…); one rate for every year is "
                                        "rate_percent")
        quotes = d.get("quotes") or {}
        out: list[Phase] = []
        expect = 1
        for i, ph in enumerate(items):
            c = ctx.at("phases").at(i)
            ph = c.keys(ph, PHASE_KEYS, {"from_year", "to_year"})
            first, last = _int(ph["from_year"], c.at("from_year")), _int(ph["to_year"], c.at("to_year"))
            if last < first:
                raise c.at("to_year").fail(f"to_year {last} is before from_year {first}")
            if first != expect:
                what = "overlaps the phase before" if first < expect else f"leaves year {expect} without a rate"
                raise c.at("from_year").fail(f"from_year {first} {what}; phases run from year 1 without a gap or an "
                                             f"overlap (this one should start at year {expect})")
            expect = last + 1
            if ("rate_percent" in ph) == ("rate_permille" in ph):
                raise c.fail("give rate_percent or rate_permille (one of them)")
            permille = _num(ph.get("rate_permille"), c.at("rate_permille"), optional=True)
            rate = _num(ph.get("rate_percent"), c.at("rate_percent"), optional=True)
            if rate is not None and rate > 100:
                raise c.at("rate_percent").fail("a percentage is at most 100")
            if permille is not None:
                if permille > 1000:
                    raise c.at("rate_permille").fail("a rate in ‰ is at most 1000")
                rate = permille / 10
            quote = _str(ph.get("quote") or quotes.get("phases") or d.get("quote"), c.at("quote"))
            out.append(Phase(first, last, rate, quote, permille, _bool(ph.get("rate_ceiling"), c.at("rate_ceiling"))))
        if max_years is not None and max_years != out[-1].to_year:
            raise ctx.at("max_years").fail(f"{max_years} years, but the phases end in year {out[-1].to_year}; "
                                           "make them agree (or leave max_years out: the phases say it)")
        return tuple(out), start.key

    def alternative(self, a: Any, ctx: _Ctx, pk: str | None) -> Alternative:
        a = ctx.keys(a, ALTERNATIVE_KEYS, {"quote"})
        if not a.get("criteria") and not a.get("qualifications"):
            raise ctx.fail("an alternative needs criteria or qualifications (what qualifies this way)")
        quals = []
        for i, q in enumerate(_list(a.get("qualifications"), ctx.at("qualifications"))):
            c = ctx.at("qualifications").at(i)
            c.keys(q, {"name", "level", "quote"}, {"name", "quote"})
            name, level = self.qualification(q["name"], q.get("level"), c)
            quals.append(QualificationReq(name, level, _str(q["quote"], c.at("quote"))))
        return Alternative(_str(a.get("label") or a["quote"], ctx.at("label")), _str(a["quote"], ctx.at("quote")),
                           tuple(self.criterion(c, ctx.at("criteria").at(i), pk)
                                 for i, c in enumerate(_list(a.get("criteria"), ctx.at("criteria")))),
                           tuple(quals))

    def incentive(self, d: Any, ctx: _Ctx) -> Incentive:
        if isinstance(d, dict) and isinstance(d.get("id"), str):
            unknown = sorted(set(map(str, d)) - (COMMON_KEYS | BASIS_ONLY))
            if unknown:
                raise ctx.at(f"{unknown[0]}").fail(unknown_key(unknown[0], d["id"]))
        ctx.keys(d, COMMON_KEYS | BASIS_ONLY,
                 {"id", "provision", "name", "quote", "kind", "payer", "recipient", "basis", "frequency"})
        iid = d["id"]
        if not isinstance(iid, str):
            raise ctx.at("id").fail(f"{iid!r}: write the id quoted, e.g. \"1.1\" (unquoted 1.10 reads as 1.1)")
        ctx = _Ctx(ctx.file, f"{ctx.path} (id {iid})")
        prov = d["provision"]
        if isinstance(prov, bool) or not isinstance(prov, int) or not 1 <= prov <= self.provision_count:
            raise ctx.at("provision").fail(f"{prov!r} is not a provision number (1..{self.provision_count})")
        m = ID_RE.match(iid)
        if not m or int(m.group(1)) != prov:
            raise ctx.at("id").fail(f"{iid!r} must be '<provision>.<n>' and start with its provision {prov}")
        basis = _str(d["basis"], ctx.at("basis"), choices=BASES)
        required, allowed = BASIS_FIELDS[basis]
        for key in sorted((BASIS_ONLY - allowed) & set(d)):
            raise ctx.at(key).fail(f"not used with basis {basis}; it takes {', '.join(sorted(allowed))}")
        for key in sorted(required - set(d)):
            raise ctx.fail(f"missing required key {key!r} for basis {basis}")
        if "defers_to" in d and basis != "defers_to":
            raise ctx.at("defers_to").fail("only for basis defers_to")

        recipient = _str(d["recipient"], ctx.at("recipient"), choices=RECIPIENTS)
        pk = _str(d.get("project_kind"), ctx.at("project_kind"), optional=True)
        if pk is not None and pk not in self.kinds:
            raise ctx.at("project_kind").fail(f"unknown project kind {pk!r}; add it to data/metrics.yaml project_kinds")
        if (pk is None) == (recipient in PROJECT_RECIPIENTS):
            raise ctx.at("project_kind").fail(
                f"set project_kind exactly when the recipient is one of {', '.join(sorted(PROJECT_RECIPIENTS))}")
        frequency = _str(d["frequency"], ctx.at("frequency"), choices=FREQUENCIES)
        max_years = _int(d.get("max_years"), ctx.at("max_years"), optional=True)
        if max_years is not None and frequency != "yearly":
            raise ctx.at("max_years").fail("max_years is for frequency yearly")

        tier_metric = None
        if d.get("tier_metric") is not None:
            tier_metric = self.metric(d["tier_metric"], ctx.at("tier_metric"), pk)
        tiers = tuple(self.tier(t, ctx.at("tiers").at(i), tier_metric, pk)
                      for i, t in enumerate(_list(d.get("tiers"), ctx.at("tiers"))))
        if basis == "tiers" and not tiers:
            raise ctx.at("tiers").fail("give at least one tier")
        rate_base = None
        if d.get("rate_base") is not None:
            rate_base = self.money_metric(d["rate_base"], ctx.at("rate_base"), pk, "a rate applies to an amount")
        if any(t.rate_percent is not None for t in tiers) and rate_base is None:
            raise ctx.fail("tiers with rate_percent need rate_base")
        rate = _num(d.get("rate_percent"), ctx.at("rate_percent"), optional=True)
        if rate is not None and rate > 100:
            raise ctx.at("rate_percent").fail("a percentage is at most 100")
        permille = _num(d.get("rate_permille"), ctx.at("rate_permille"), optional=True)
        phases, phase_start = self.phases(d, ctx, pk, frequency, max_years)
        if phases:
            for key in ("rate_percent", "rate_permille", "rate_ceiling"):
                if key in d:
                    raise ctx.at(key).fail("a phased rate gives its rate in each phase (phases[].rate_percent, "
                                           "phases[].rate_ceiling); leave it out here")
        elif basis in ("rate", "matching"):
            if (rate is None) == (permille is None):
                raise (ctx.at("rate_permille").fail("give rate_percent or rate_permille, not both")
                       if rate is not None else ctx.fail(f"missing required key 'rate_percent' (or rate_permille "
                                                         f"for ‰) for basis {basis}"))
            if permille is not None:
                if permille > 1000:
                    raise ctx.at("rate_permille").fail("a rate in ‰ is at most 1000")
                rate = permille / 10
        per_unit = (self.per_unit(d["per_unit"], ctx.at("per_unit"), pk, frequency)
                    if basis == "per_unit" else None)
        amount_min = _num(d.get("amount_min_wan"), ctx.at("amount_min_wan"), optional=True)
        if amount_min is not None:
            if d.get("amount_wan") is None or amount_min >= d["amount_wan"]:
                raise ctx.at("amount_min_wan").fail("a range a-b万元 needs amount_wan (b) above amount_min_wan (a)")
            if not d.get("ceiling"):
                raise ctx.at("ceiling").fail("a range a-b万元 pays up to b: set ceiling: true")
        per_person = _bool(d.get("per_person"), ctx.at("per_person"))
        if per_person and recipient != "person":
            raise ctx.at("per_person").fail("每人 amounts are paid to persons: set recipient: person")
        persons_metric = None
        if d.get("persons_metric") is not None:
            if not per_person:
                raise ctx.at("persons_metric").fail("persons_metric counts the persons of a per_person award; "
                                                    "set per_person: true")
            pm = self.metric(d["persons_metric"], ctx.at("persons_metric"), pk)
            if pm.dimension != "count":
                raise ctx.at("persons_metric").fail(f"{pm.key!r} is {pm.dimension}; expected a count metric")
            persons_metric = pm.key
        alternatives = tuple(self.alternative(a, ctx.at("alternatives").at(i), pk)
                             for i, a in enumerate(_list(d.get("alternatives"), ctx.at("alternatives"))))
        if "alternatives" in d and len(alternatives) < 2:
            raise ctx.at("alternatives").fail("give at least two alternatives (…的，或…的)")
        excess = None
        if d.get("rate_base_excess_over_percent_of") is not None:
            c = ctx.at("rate_base_excess_over_percent_of")
            e = c.keys(d["rate_base_excess_over_percent_of"], {"percent", "metric"}, {"percent", "metric"})
            excess = ExcessOver(_num(e["percent"], c.at("percent")), self.metric(e["metric"], c.at("metric"), pk).key)

        selection = None
        if d.get("selection") is not None:
            c = ctx.at("selection")
            s = c.keys(d["selection"], {"quota", "per", "method", "quote"}, {"quote"})
            selection = Selection(_str(s["quote"], c.at("quote")),
                                  _str(s.get("method"), c.at("method"), choices=SELECTION_METHODS, optional=True),
                                  _int(s.get("quota"), c.at("quota"), optional=True),
                                  _str(s.get("per"), c.at("per"), choices={"year"}, optional=True))
        quals = []
        for i, q in enumerate(_list(d.get("qualifications"), ctx.at("qualifications"))):
            c = ctx.at("qualifications").at(i)
            c.keys(q, {"name", "level", "quote", "group"}, {"name", "quote"})
            name, level = self.qualification(q["name"], q.get("level"), c)
            if any(x.name == name and x.level == level for x in quals):
                raise c.at("name").fail(f"{name} (level {level or 'any'}) is already listed; list an honour once")
            quals.append(QualificationReq(name, level, _str(q["quote"], c.at("quote")),
                                          _str(q.get("group"), c.at("group"), optional=True)))
        defers = None
        if basis == "defers_to":
            c = ctx.at("defers_to")
            t = c.keys(d["defers_to"], {"policy", "document", "unnamed", "quote"}, {"quote"})
            targets = [k for k in ("policy", "document", "unnamed") if k in t]
            if len(targets) != 1:
                raise c.fail("give exactly one of policy, document, unnamed")
            pol = t.get("policy")
            if pol is not None and (isinstance(pol, bool) or not isinstance(pol, int) or not 1 <= pol <= self.policy_count):
                raise c.at("policy").fail(f"{pol!r} is not a policy number (1..{self.policy_count})")
            defers = DefersTo(_str(t["quote"], c.at("quote")), pol,
                              _str(t.get("document"), c.at("document"), optional=True),
                              _str(t.get("unnamed"), c.at("unnamed"), optional=True))

        inc = Incentive(
            id=iid, provision=prov, name=_str(d["name"], ctx.at("name")), quote=_str(d["quote"], ctx.at("quote")),
            kind=_str(d["kind"], ctx.at("kind"), choices=KINDS),
            payer=_str(d["payer"], ctx.at("payer"), choices=PAYERS), recipient=recipient, basis=basis,
            frequency=frequency,
            amount_wan=_num(d.get("amount_wan"), ctx.at("amount_wan"), optional=True),
            ceiling=_bool(d.get("ceiling"), ctx.at("ceiling")),
            tiers=tiers, tier_metric=tier_metric.key if tier_metric else None,
            tier_op=_str(d.get("tier_op", ">="), ctx.at("tier_op"), choices={">=", ">"}),
            rate_percent=rate, rate_ceiling=_bool(d.get("rate_ceiling"), ctx.at("rate_ceiling")),
            rate_base=rate_base.key if rate_base else None, rate_base_excess_over=excess,
            cap_wan=_num(d.get("cap_wan"), ctx.at("cap_wan"), optional=True),
            note=_text(_str(d.get("note"), ctx.at("note"), optional=True)),
            max_years=max_years, first_time=_bool(d.get("first_time"), ctx.at("first_time")),
            selection=selection,
            industries=tuple(_str(x, ctx.at("industries").at(i))
                             for i, x in enumerate(_list(d.get("industries"), ctx.at("industries")))),
            criteria=tuple(self.criterion(c, ctx.at("criteria").at(i), pk)
                           for i, c in enumerate(_list(d.get("criteria"), ctx.at("criteria")))),
            qualifications=tuple(quals),
            qualifications_mode=_str(d.get("qualifications_mode", "all"), ctx.at("qualifications_mode"),
                                     choices={"all", "any"}),
            limits=tuple(self.limit(x, ctx.at("limits").at(i))
                         for i, x in enumerate(_list(d.get("limits"), ctx.at("limits")))),
            defers_to=defers, project_kind=pk,
            effective_from=_date(d.get("effective_from"), ctx.at("effective_from")),
            effective_until=_date(d.get("effective_until"), ctx.at("effective_until")),
            amount_min_wan=amount_min, rate_permille=permille, per_unit=per_unit, per_person=per_person,
            persons_metric=persons_metric, alternatives=alternatives, phases=phases, phase_start=phase_start,
        )
        if inc.qualifications_mode == "any" and not any(q.group is None for q in inc.qualifications):
            raise ctx.at("qualifications_mode").fail(
                "applies to qualifications without a group, and every one has a group; leave it out")
        if (inc.recipient == "enterprise" and inc.basis != "defers_to" and inc.selection is None
                and not (inc.criteria or inc.qualifications or inc.industries or inc.rate_base or inc.tiers
                         or inc.alternatives or inc.per_unit)):
            # An award with no condition at all would be "eligible" for every enterprise.
            raise ctx.fail(
                "states no condition (criteria, qualifications, industries, a rate base or a selection); "
                "add the condition the text sets, e.g. a flag metric for the activity it supports"
            )
        return replace(inc, max_amount_wan=max_amount_wan(inc))


def load_rules(path: str | Path | None = None, metrics_path: str | Path | None = None,
               qualifications_path: str | Path | None = None) -> Rules:
    """Read the rules (default: the bundled ``data/incentives.yaml``); parsed once per path."""
    return _load_rules(
        str(Path(path or INCENTIVES_PATH).resolve()),
        str(Path(metrics_path or METRICS_PATH).resolve()),
        str(Path(qualifications_path or QUALIFICATIONS_PATH).resolve()),
    )


@lru_cache(maxsize=16)
def _load_rules(path: str, metrics_path: str, qualifications_path: str) -> Rules:
    metrics, units, kinds = _load_metrics(Path(metrics_path))
    quals = _load_qualifications(Path(qualifications_path))
    p = Path(path)
    ctx = _Ctx(_display(p))
    doc = ctx.keys(check_shape(_read(p), ctx.file), {"version", "documents", "compilation", "incentives"},
                   {"version", "incentives"})  # shapes first (rules.schema)
    if doc["version"] != 1:
        raise ctx.at("version").fail(f"{doc['version']!r} is not a supported version; use 1")
    if "documents" in doc:
        return _load_for_documents(doc, p, ctx, (metrics, units, kinds), quals)
    if "compilation" not in doc:
        raise ctx.fail("missing documents: name the documents the rules are for (title, number, sha256, path)")
    c = ctx.at("compilation")
    comp = c.keys(doc["compilation"], {"title", "policies", "provisions", "quote"},
                  {"title", "policies", "provisions", "quote"})
    policy_count = _int(comp["policies"], c.at("policies"))
    provision_count = _int(comp["provisions"], c.at("provisions"))
    parser = _IncentiveParser(metrics, units, kinds, quals, policy_count, provision_count)
    incentives: list[Incentive] = []
    seen: dict[str, int] = {}
    for i, d in enumerate(_list(doc["incentives"], ctx.at("incentives"))):
        inc = parser.incentive(d, ctx.at("incentives").at(i))
        if inc.id in seen:
            raise ctx.at("incentives").at(i).at("id").fail(
                f"duplicate id {inc.id!r} (also incentives[{seen[inc.id]}]); ids are unique")
        seen[inc.id] = i
        incentives.append(inc)
    return Rules(_display(p), doc["version"], tuple(incentives), metrics, units, kinds, quals,
                 {i.id: i for i in incentives}, policy_count, provision_count)


def _load_for_documents(doc: dict, p: Path, ctx: _Ctx, vocab, quals) -> Rules:
    """A rules file naming its documents (docs/rules.md): the files beside it, checked by sha256;
    each incentive attached to the provision holding its quote; counts from the documents read."""
    metrics, units, kinds = vocab
    header = _list(doc["documents"], ctx.at("documents"))
    for i, h in enumerate(header):
        ctx.at("documents").at(i).keys(h, {"title", "number", "sha256", "path"}, {"sha256", "path"})
    docs = documents_beside(header, p, None, ctx.where())
    if len(docs) != 1:
        raise ctx.at("documents").fail("name one document (rules for several: one file each)")
    d0 = docs[0]
    parser = _IncentiveParser(metrics, units, kinds, quals, d0.policies, len(d0.provisions))
    incentives: list[Incentive] = []
    seen: dict[str, int] = {}
    for i, d in enumerate(_list(doc["incentives"], ctx.at("incentives"))):
        c = ctx.at("incentives").at(i)
        _, prov = attach(d, docs, ctx.where())  # by quote, not position
        if d.get("provision") is not None and d["provision"] != prov.seq:
            raise c.at("provision").fail(f"incentive {d.get('id')}: its quote is in provision {prov.seq}, not "
                                         f"{d['provision']}; delete provision: (the quote decides) or fix it")
        for j, lim in enumerate(d.get("limits") or [] if isinstance(d.get("limits"), list) else []):
            if isinstance(lim, dict) and lim.get("provision") is not None:
                found, why = limit_provision(lim, d0, d.get("id"))  # one document: its numbering is the graph's
                if found is None:
                    raise c.at("limits").at(j).at("provision").fail(why)
        inc = parser.incentive({**d, "provision": prov.seq}, c)
        if inc.id in seen:
            raise c.at("id").fail(f"duplicate id {inc.id!r} (also incentives[{seen[inc.id]}]); ids are unique")
        seen[inc.id] = i
        incentives.append(inc)
    return Rules(_display(p), doc["version"], tuple(incentives), metrics, units, kinds, quals,
                 {i.id: i for i in incentives}, d0.policies, len(d0.provisions))
