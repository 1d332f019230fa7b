"""Enterprises and what they own, as columns: the one input of the evaluator (engine/evaluate.py).

A `Population` is what OpenFisca calls entities with members: ``n`` enterprises (one row
each), their ``m`` projects (products, platforms, apps, licences; each with the row of its
enterprise in ``project_owner``), and three lists of entries, each entry naming its
enterprise (``*_owner``) and, where it belongs to a project, the project (``*_project``,
-1 for the enterprise's own):

- industries: a code into ``industry_names`` per entry;
- qualifications: a code into ``qual_names`` (canonical names), a level code
  (`LEVEL_CODES`), the day obtained (days since 1970; `NO_DATE` when not given);
- prior awards: the incentive (index into the rules' incentives, in file order), the
  year, the amount in 万元, a level text code into ``award_levels`` ("" = none), and the
  project it was for (-1: none named; `OTHER_PROJECT`: a project the population does not
  list).

Values are canonical units (万元, %, ...), NaN where not given; yes/no metrics are 1.0/0.0.
A single profile is a population of one (`from_profile`); a register chunk with its
projects table is a population of many (engine/register.py). ``where`` texts (profile field
paths such as ``awards[0]``) are kept only for profiles, for messages; a register's
messages name the row instead. Nothing here knows a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

import numpy as np

#: Level codes of qualification entries (0: none given).
LEVEL_CODES = (None, "national", "provincial", "municipal")
#: The day (since 1970) of a qualification entry that gives no date: before any real day.
NO_DATE = -(1 << 40)
#: ``award_project`` of an award naming a project the population does not list.
OTHER_PROJECT = -2
EPOCH = date(1970, 1, 1)

_I = np.int64


def _ints(values=()) -> np.ndarray:
    return np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=_I)


def day_number(d: date) -> int:
    return (d - EPOCH).days


@dataclass
class Population:
    """Columns of enterprises, projects, industries, qualifications and prior awards (module doc)."""

    n: int
    metrics: dict[str, np.ndarray] = field(default_factory=dict)  # enterprise metric key -> float64[n]
    industry_names: list[str] = field(default_factory=list)
    industry_code: np.ndarray = field(default_factory=_ints)
    industry_owner: np.ndarray = field(default_factory=_ints)
    qual_names: list[str] = field(default_factory=list)
    qual_code: np.ndarray = field(default_factory=_ints)
    qual_level: np.ndarray = field(default_factory=_ints)
    qual_day: np.ndarray = field(default_factory=_ints)
    qual_owner: np.ndarray = field(default_factory=_ints)
    qual_project: np.ndarray = field(default_factory=_ints)
    award_incentive: np.ndarray = field(default_factory=_ints)
    award_year: np.ndarray = field(default_factory=_ints)
    award_amount: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float64))
    award_level: np.ndarray = field(default_factory=_ints)
    award_levels: list[str] = field(default_factory=lambda: [""])
    award_owner: np.ndarray = field(default_factory=_ints)
    award_project: np.ndarray = field(default_factory=_ints)
    # projects
    m: int = 0
    project_owner: np.ndarray = field(default_factory=_ints)
    project_kind: np.ndarray = field(default_factory=_ints)  # code into project_kinds
    project_kinds: list[str] = field(default_factory=list)
    project_names: list[str] | Any = field(default_factory=list)  # a list, or a pyarrow string array
    project_metrics: Mapping[str, np.ndarray] = field(default_factory=dict)  # field (no "project.") -> float64[m]
    #: A project listing incentives is only for those (profile ``projects[].incentives``): entries
    #: (project, incentive index); a project with no entry is for every incentive of its kind.
    only_project: np.ndarray = field(default_factory=_ints)
    only_incentive: np.ndarray = field(default_factory=_ints)
    # profile field paths, for messages (None for registers)
    qual_where: list[str] | None = None
    award_where: list[str] | None = None
    project_where: list[str] | None = None

    def project_name(self, j: int) -> str:
        name = self.project_names[j]
        return name if isinstance(name, str) else name.as_py()

    def check(self) -> "Population":
        """Shapes agree (a programming error otherwise, not a user's)."""
        for key, col in self.metrics.items():
            assert col.shape == (self.n,), key
        for key, col in self.project_metrics.items() if isinstance(self.project_metrics, dict) else ():
            assert col.shape == (self.m,), key
        assert len(self.project_owner) == len(self.project_kind) == self.m
        assert len(self.industry_code) == len(self.industry_owner)
        k = len(self.qual_code)
        assert len(self.qual_level) == len(self.qual_day) == len(self.qual_owner) == len(self.qual_project) == k
        k = len(self.award_incentive)
        assert (len(self.award_year) == len(self.award_amount) == len(self.award_level) == len(self.award_owner)
                == len(self.award_project) == k)
        assert len(self.only_project) == len(self.only_incentive)
        return self


def concat(pops: list[Population]) -> Population:
    """Several populations as one (enterprise rows and projects renumbered, codes merged).

    Evaluating the result answers for every enterprise at once, exactly as evaluating each
    alone: nothing in an evaluation crosses from one enterprise to another.
    """
    def merged(lists):
        names: dict[str, int] = {}
        for lst in lists:
            for x in lst:
                names.setdefault(x, len(names))
        return list(names), [np.array([names[x] for x in lst], dtype=_I) for lst in lists]

    def cat(arrays, dtype=_I):
        return np.concatenate([np.asarray(a, dtype=dtype) for a in arrays]) if arrays else np.array([], dtype=dtype)

    ent_off = np.cumsum([0] + [p.n for p in pops])
    proj_off = np.cumsum([0] + [p.m for p in pops])
    ind_names, ind_maps = merged([p.industry_names for p in pops])
    q_names, q_maps = merged([p.qual_names for p in pops])
    lv_names, lv_maps = merged([p.award_levels for p in pops])
    kinds, kind_maps = merged([p.project_kinds for p in pops])
    keys = list(dict.fromkeys(k for p in pops for k in p.metrics))
    pkeys = list(dict.fromkeys(k for p in pops for k in p.project_metrics))

    def project_ref(p, k, refs):
        refs = np.asarray(refs, dtype=_I)
        return np.where(refs >= 0, refs + proj_off[k], refs)

    def where(attr):
        lists = [getattr(p, attr) for p in pops]
        return None if any(x is None for x in lists) else [w for lst in lists for w in lst]

    return Population(
        n=int(ent_off[-1]),
        metrics={key: cat([p.metrics.get(key, np.full(p.n, np.nan)) for p in pops], np.float64) for key in keys},
        industry_names=ind_names,
        industry_code=cat([mp[p.industry_code] for p, mp in zip(pops, ind_maps)]),
        industry_owner=cat([p.industry_owner + ent_off[k] for k, p in enumerate(pops)]),
        qual_names=q_names,
        qual_code=cat([mp[p.qual_code] for p, mp in zip(pops, q_maps)]),
        qual_level=cat([p.qual_level for p in pops]),
        qual_day=cat([p.qual_day for p in pops]),
        qual_owner=cat([p.qual_owner + ent_off[k] for k, p in enumerate(pops)]),
        qual_project=cat([project_ref(p, k, p.qual_project) for k, p in enumerate(pops)]),
        award_incentive=cat([p.award_incentive for p in pops]),
        award_year=cat([p.award_year for p in pops]),
        award_amount=cat([p.award_amount for p in pops], np.float64),
        award_level=cat([mp[p.award_level] for p, mp in zip(pops, lv_maps)]),
        award_levels=lv_names if lv_names else [""],
        award_owner=cat([p.award_owner + ent_off[k] for k, p in enumerate(pops)]),
        award_project=cat([project_ref(p, k, p.award_project) for k, p in enumerate(pops)]),
        m=int(proj_off[-1]),
        project_owner=cat([p.project_owner + ent_off[k] for k, p in enumerate(pops)]),
        project_kind=cat([mp[p.project_kind] for p, mp in zip(pops, kind_maps)]),
        project_kinds=kinds,
        project_names=[p.project_name(j) for p in pops for j in range(p.m)],
        project_metrics={key: cat([p.project_metrics.get(key, np.full(p.m, np.nan)) for p in pops], np.float64)
                         for key in pkeys},
        only_project=cat([p.only_project + proj_off[k] for k, p in enumerate(pops)]),
        only_incentive=cat([p.only_incentive for p in pops]),
        qual_where=where("qual_where"), award_where=where("award_where"), project_where=where("project_where"),
    ).check()


def from_profile(profile, rules) -> Population:
    """A profile (`engine.profile.Profile`) as a population of one.

    Prior awards must already name their incentive (`Engine.resolve_awards` maps an award given
    by provision); the awards are taken in the profile's order.
    """
    index = {inc.id: k for k, inc in enumerate(rules.incentives)}
    metrics = {}
    for key, m in rules.metrics.items():
        if m.scope != "enterprise":
            continue
        q = profile.metrics.get(key)
        metrics[key] = np.array([np.nan if q is None else float(q.value)], dtype=np.float64)
    industries = list(profile.industries)
    qual_names = sorted({q.name for q in rules.qualifications.values()}
                        | {q.name for q in profile.qualifications}
                        | {q.name for p in profile.projects for q in p.qualifications})
    qcode = {name: k for k, name in enumerate(qual_names)}
    entries = [(q, -1, f"qualifications[{k}]") for k, q in enumerate(profile.qualifications)]
    for j, p in enumerate(profile.projects):
        entries += [(q, j, f"{p.where}.qualifications[{k}]") for k, q in enumerate(p.qualifications)]
    project_index = {p.name: j for j, p in enumerate(profile.projects)}
    award_levels = [""]
    level_code = {"": 0}
    a_inc, a_year, a_amt, a_lvl, a_proj, a_where = [], [], [], [], [], []
    for a in profile.awards:
        a_inc.append(index[a.incentive])
        a_year.append(a.year)
        a_amt.append(float(a.amount_wan))
        text = a.level or ""
        if text not in level_code:
            level_code[text] = len(award_levels)
            award_levels.append(text)
        a_lvl.append(level_code[text])
        a_proj.append(-1 if a.project is None else project_index.get(a.project, OTHER_PROJECT))
        a_where.append(a.where)
    kinds = list(dict.fromkeys(p.kind for p in profile.projects))
    pm: dict[str, np.ndarray] = {}
    for key, m in rules.metrics.items():
        if m.scope != "project":
            continue
        col = [p.metrics.get(m.field) for p in profile.projects]
        pm[m.field] = np.array([np.nan if q is None else float(q.value) for q in col], dtype=np.float64)
    only = [(j, index[i]) for j, p in enumerate(profile.projects) for i in p.incentives if i in index]
    return Population(
        n=1,
        metrics=metrics,
        industry_names=industries,
        industry_code=_ints(range(len(industries))),
        industry_owner=_ints([0] * len(industries)),
        qual_names=qual_names,
        qual_code=_ints(qcode[q.name] for q, _, _ in entries),
        qual_level=_ints(LEVEL_CODES.index(q.level) if q.level in LEVEL_CODES else 0 for q, _, _ in entries),
        qual_day=_ints(day_number(q.date) if q.date else NO_DATE for q, _, _ in entries),
        qual_owner=_ints([0] * len(entries)),
        qual_project=_ints(j for _, j, _ in entries),
        award_incentive=_ints(a_inc),
        award_year=_ints(a_year),
        award_amount=np.array(a_amt, dtype=np.float64),
        award_level=_ints(a_lvl),
        award_levels=award_levels,
        award_owner=_ints([0] * len(a_inc)),
        award_project=_ints(a_proj),
        m=len(profile.projects),
        project_owner=_ints([0] * len(profile.projects)),
        project_kind=_ints(kinds.index(p.kind) for p in profile.projects),
        project_kinds=kinds,
        project_names=[p.name for p in profile.projects],
        project_metrics=pm,
        only_project=_ints(j for j, _ in only),
        only_incentive=_ints(i for _, i in only),
        qual_where=[w for _, _, w in entries],
        award_where=a_where,
        project_where=[p.where for p in profile.projects],
    ).check()


__all__ = ["EPOCH", "LEVEL_CODES", "NO_DATE", "OTHER_PROJECT", "Population", "concat", "day_number", "from_profile"]
