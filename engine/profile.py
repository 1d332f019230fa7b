"""Enterprise profiles: what one enterprise has, as of a date (docs/profile.md).

A profile is YAML or JSON, read strictly: unknown keys, unknown metrics or
qualifications, values without a known unit, negative money and bad dates are
`DataError`s naming the file and the field, e.g.
``profile.yaml: metrics.revenue: '12亿' has no known unit; use 万元, 亿元 or 元``.

Values are converted to the canonical unit of their metric's dimension
(``data/metrics.yaml``: money in 万元, percent in %), so the engine compares
plain numbers. The units, metrics and qualifications come from the rules
(`policykg.rules`); nothing here knows a threshold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from policykg.errors import DataError
from policykg.limits import check_json_depth, check_number
from policykg.loaders.yamlio import (DatesAsTextLoader, check_keys, load_yaml_text, read_text_file,
                                     refuse_lone_surrogates)

#: Qualification / award levels, highest first (the order "same or higher level" uses).
LEVELS = ("national", "provincial", "municipal")

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(.*?)\s*$")


@dataclass(frozen=True)
class Quantity:
    """A profile value in its metric's canonical unit, with what the profile wrote."""

    value: float | bool  # bool for yes/no metrics
    unit: str  # canonical unit (万元, %, 家 ...; "" for yes/no)
    as_written: str

    def __str__(self) -> str:
        return self.as_written


@dataclass(frozen=True)
class HeldQualification:
    name: str
    level: str | None
    date: date | None


@dataclass(frozen=True)
class PriorAward:
    """An award already received: counts against no-repeat windows, tiers and caps."""

    incentive: str | None  # incentive id ("1.1"); None when only `provision` was given
    provision: int | None
    year: int
    amount_wan: float
    level: str | None = None  # national/provincial/municipal or a tier label, when the text has levels
    project: str | None = None  # the project/product it was for (per-item caps)
    where: str = ""  # "awards[0]", for messages


@dataclass(frozen=True)
class Project:
    """A project, product, platform or app of the enterprise, for project-level incentives."""

    kind: str
    name: str
    metrics: dict[str, Quantity] = field(default_factory=dict)
    qualifications: tuple[HeldQualification, ...] = ()
    incentives: tuple[str, ...] = ()  # restrict to these incentive ids (empty: every one of its kind)
    where: str = ""


@dataclass(frozen=True)
class Profile:
    name: str
    as_of: date | None
    industries: tuple[str, ...]
    metrics: dict[str, Quantity]
    qualifications: tuple[HeldQualification, ...]
    awards: tuple[PriorAward, ...]
    projects: tuple[Project, ...]
    source: str = "profile"  # file name, for messages

    def to_dict(self) -> dict:
        """A plain-dict form (canonical units), e.g. the `$profile` parameter of the Cypher query."""

        def q(qual: HeldQualification) -> dict:
            return {"name": qual.name, "level": qual.level, "date": qual.date.isoformat() if qual.date else None}

        return {
            "name": self.name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "industries": list(self.industries),
            "metrics": {k: v.value for k, v in self.metrics.items()},
            "qualifications": [q(x) for x in self.qualifications],
            "awards": [
                {"incentive": a.incentive, "provision": a.provision, "year": a.year, "amount_wan": a.amount_wan,
                 "level": a.level, "project": a.project}
                for a in self.awards
            ],
            "projects": [
                {"kind": p.kind, "name": p.name, "metrics": {k: v.value for k, v in p.metrics.items()},
                 "qualifications": [q(x) for x in p.qualifications], "incentives": list(p.incentives)}
                for p in self.projects
            ],
        }


@dataclass(frozen=True)
class Vocabulary:
    """What a profile may name, taken from the rules (data/metrics.yaml, data/qualifications.yaml)."""

    metrics: Mapping[str, str]  # enterprise metric key -> dimension
    project_metrics: Mapping[str, str]  # project metric field (no "project." prefix) -> dimension
    units: Mapping[str, Mapping[str, float]]  # dimension -> unit -> factor to canonical (first is canonical)
    qualifications: Mapping[str, tuple[str, ...]]  # name or alias -> (canonical name, *levels)
    project_kinds: Mapping[str, tuple[str, ...]]  # kind -> its metric fields
    incentive_ids: frozenset[str] = frozenset()
    provision_seqs: frozenset[int] = frozenset()

    @classmethod
    def from_rules(cls, rules) -> "Vocabulary":
        """The vocabulary of a `policykg.rules.Rules`."""
        quals: dict[str, tuple[str, ...]] = {}
        for q in rules.qualifications.values():
            for alias in (q.name, *q.aliases):
                quals[alias] = (q.name, *q.levels)
        return cls(
            metrics={k: m.dimension for k, m in rules.metrics.items() if m.scope == "enterprise"},
            project_metrics={m.field: m.dimension for m in rules.metrics.values() if m.scope == "project"},
            units=rules.units,
            qualifications=quals,
            project_kinds={k: tuple(f.split(".", 1)[1] for f in pk.metrics) for k, pk in rules.project_kinds.items()},
            incentive_ids=frozenset(rules.by_id),
            provision_seqs=frozenset(range(1, rules.provision_count + 1)),
        )

    def canonical_unit(self, dimension: str) -> str:
        return next(iter(self.units[dimension]), "")


# --- reading -------------------------------------------------------------------------


def load_profile(path: str | Path, vocabulary: Vocabulary) -> Profile:
    """Read a profile file (.yaml/.yml/.json) strictly; errors name the file and field."""
    p = Path(path)
    text = read_text_file(p, "profile")
    if not text.strip():
        raise DataError(f"{p}: the file is empty; write the enterprise's profile in it (docs/profile.md)")
    if p.suffix.lower() == ".json":
        check_json_depth(text, DataError, str(p))
        try:
            doc = refuse_lone_surrogates(json.loads(text, object_pairs_hook=_no_duplicates(str(p))), str(p))
        except json.JSONDecodeError as exc:
            raise DataError(f"{p}: line {exc.lineno}: invalid JSON ({exc.msg}); fix the syntax there") from None
        except (ValueError, RecursionError) as exc:  # a number of over 4300 digits
            raise DataError(f"{p}: a value cannot be read ({str(exc).split(';')[0][:100]}); write numbers with at most 15 "
                            "significant digits") from None
    else:
        doc = load_yaml_text(text, str(p), DatesAsTextLoader)
    return parse_profile(doc, vocabulary, p.name)


def profile_from_text(text: str, vocabulary: Vocabulary, name: str = "profile.yaml") -> Profile:
    """Parse profile YAML (or JSON, which is YAML) given as text."""
    return parse_profile(load_yaml_text(text, name, DatesAsTextLoader), vocabulary, name)


def _no_duplicates(name: str):
    def hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise DataError(f"{name}: duplicate key {k!r}; keep one of the two entries")
            out[k] = v
        return out

    return hook


PROFILE_KEYS = {"as_of", "name", "industries", "metrics", "qualifications", "awards", "projects"}
QUALIFICATION_KEYS = {"name", "level", "date"}
AWARD_KEYS = {"incentive", "provision", "year", "amount", "level", "project"}
PROJECT_KEYS = {"kind", "name", "metrics", "qualifications", "incentives"}


def parse_profile(doc: Any, vocabulary: Vocabulary, source: str = "profile") -> Profile:
    """Validate a parsed profile document and convert its values to canonical units."""
    if doc is None:
        raise DataError(f"{source}: empty profile; see docs/profile.md for the format")
    check_keys(doc, PROFILE_KEYS, source, required={"name"})
    name = doc["name"]
    if not isinstance(name, str) or not name.strip():
        raise DataError(f"{source}: name: expected the enterprise's name (text), got {name!r}")
    as_of = _date(doc.get("as_of"), f"{source}: as_of") if doc.get("as_of") is not None else None
    industries = _str_list(doc.get("industries"), f"{source}: industries")
    metrics = _metrics(doc.get("metrics"), vocabulary, f"{source}: metrics")
    quals = _qualifications(doc.get("qualifications"), vocabulary, f"{source}: qualifications")
    awards = _awards(doc.get("awards"), vocabulary, source)
    projects = _projects(doc.get("projects"), vocabulary, source)
    return Profile(name.strip(), as_of, tuple(industries), metrics, quals, awards, projects, source)


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DataError(f"{where}: {value!r} is not a valid date; use YYYY-MM-DD, e.g. 2025-06-30")


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(f"{where}: expected a list of names, got {value!r}")
    return [v.strip() for v in value]


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _unit_hint(units: Mapping[str, float]) -> str:
    names = list(units)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def parse_quantity(value: Any, dimension: str, vocabulary: Vocabulary, where: str) -> Quantity:
    """'12亿元' / '25%' / 'TOP3' / {value: 12, unit: 亿元} / true (flags) / a bare number (counts) -> Quantity."""
    units = vocabulary.units[dimension]
    canonical = vocabulary.canonical_unit(dimension)
    if dimension == "flag":
        if not isinstance(value, bool):
            raise DataError(f"{where}: {value!r} is not yes/no; write true or false")
        return Quantity(value, "", "true" if value else "false")
    if isinstance(value, dict):
        check_keys(value, {"value", "unit"}, where, required={"value", "unit"})
        number, unit = value["value"], value["unit"]
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise DataError(f"{where}.value: expected a number, got {number!r}")
        if not isinstance(unit, str):
            raise DataError(f"{where}.unit: expected a unit ({_unit_hint(units)}), got {unit!r}")
        unit = unit.strip()
        number = check_number(number, DataError, f"{where}.value")
        written = f"{number:g}{unit}"
    elif isinstance(value, bool) or value is None:
        raise DataError(f"{where}: expected a value with a unit ({_unit_hint(units)}), got {value!r}")
    elif isinstance(value, (int, float)):
        check_number(value, DataError, where)
        if dimension not in ("count", "year"):
            raise DataError(f"{where}: {value!r} has no unit; write it with one of {_unit_hint(units)}, "
                            f"e.g. '{value:g}{next(iter(units))}'")
        number = check_number(value, DataError, where)
        unit, written = canonical, f"{number:g}"
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        prefixed = re.match(r"^(TOP)\s*(\d+)$", text, re.IGNORECASE)  # a ranking written TOP10
        if prefixed and "TOP" in units:
            number, unit = float(prefixed.group(2)), "TOP"
        else:
            m = _NUMBER.match(text)
            if not m:
                raise DataError(f"{where}: {value!r} is not a number with a unit; write e.g. "
                                f"'12{next(iter(units))}'")
            number, unit = float(m.group(1)), m.group(2)
            if unit == "" and dimension in ("count", "year"):
                unit = canonical
        written = value.strip()
    else:
        raise DataError(f"{where}: expected a value with a unit, got {type(value).__name__}")
    if unit not in units:
        raise DataError(f"{where}: {_brief(written)!r} has no known unit; use {_unit_hint(units)}")
    number = check_number(number, DataError, where)
    if dimension == "year" and not (float(number).is_integer() and 1900 <= number <= 2100):
        raise DataError(f"{where}: {_brief(written)!r} is not a calendar year; write the year as four digits, "
                        "e.g. 2024")
    if number < 0 and dimension != "percent":
        raise DataError(f"{where}: {_brief(written)!r} is negative; {dimension} cannot be below zero")
    # the limit holds in the canonical unit too: 9e14亿元 is 9e18万元
    value = check_number(number * units[unit], DataError, f"{where} (in {canonical or 'its unit'})")
    return Quantity(round(value, 6), canonical, written)


def _brief(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def _metrics(value: Any, vocabulary: Vocabulary, where: str, allowed: Mapping[str, str] | None = None,
             kind: str | None = None) -> dict[str, Quantity]:
    """Metric values keyed as data/metrics.yaml names them (`allowed`: a project kind's metrics)."""
    table = vocabulary.metrics if allowed is None else allowed
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected a mapping of metric: value, got {type(value).__name__}")
    out = {}
    for key, raw in value.items():
        if key not in table:
            if kind is not None:
                known = ", ".join(sorted(table)) or "none"
                raise DataError(f"{where}.{key}: not a metric of project kind {kind!r}{_close(str(key), table)}; "
                                f"its metrics are: {known} (data/metrics.yaml project_kinds)")
            raise DataError(f"{where}.{key}: unknown metric{_close(str(key), table)}; the metrics are listed in "
                            f"data/metrics.yaml ({', '.join(sorted(table))})")
        out[key] = parse_quantity(raw, table[key], vocabulary, f"{where}.{key}")
    return out


def _close(word: str, names) -> str:
    import difflib

    hits = difflib.get_close_matches(word, list(names), n=1)
    return f" (did you mean {hits[0]!r}?)" if hits else ""


def _qualifications(value: Any, vocabulary: Vocabulary, where: str) -> tuple[HeldQualification, ...]:
    out = []
    for i, entry in enumerate(_list(value, where)):
        w = f"{where}[{i}]"
        if isinstance(entry, str):
            entry = {"name": entry}
        check_keys(entry, QUALIFICATION_KEYS, w, required={"name"})
        qname = entry["name"]
        if not isinstance(qname, str) or qname not in vocabulary.qualifications:
            raise DataError(f"{w}.name: unknown qualification {qname!r}{_close(str(qname), vocabulary.qualifications)}; "
                            "the names are listed in data/qualifications.yaml")
        canonical, *levels = vocabulary.qualifications[qname]
        level = entry.get("level")
        if level is not None and level not in levels:
            allowed = ", ".join(levels) if levels else "none (leave it out)"
            raise DataError(f"{w}.level: {level!r} is not a level of {canonical}; allowed: {allowed}")
        if level is None and len(levels) > 1:
            raise DataError(f"{w}.level: say which level of {canonical} was obtained: {', '.join(levels)}")
        if level is None and len(levels) == 1:
            level = levels[0]
        when = _date(entry["date"], f"{w}.date") if entry.get("date") is not None else None
        out.append(HeldQualification(canonical, level, when))
    return tuple(out)


def _awards(value: Any, vocabulary: Vocabulary, source: str) -> tuple[PriorAward, ...]:
    out = []
    for i, entry in enumerate(_list(value, f"{source}: awards")):
        w = f"{source}: awards[{i}]"
        check_keys(entry, AWARD_KEYS, w, required={"year", "amount"})
        inc, prov = entry.get("incentive"), entry.get("provision")
        if inc is None and prov is None:
            raise DataError(f"{w}: say which award it was: incentive (e.g. '1.1') or provision (its seq)")
        if inc is not None:
            inc = _incentive_id(inc, vocabulary, f"{w}.incentive", ", or give the provision's seq (provision: 12)")
        if prov is not None:
            if isinstance(prov, bool) or not isinstance(prov, int):
                raise DataError(f"{w}.provision: expected a provision seq (a whole number), got {prov!r}")
            if vocabulary.provision_seqs and prov not in vocabulary.provision_seqs:
                raise DataError(f"{w}.provision: no provision {prov} in the compilation")
        year = entry["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
            raise DataError(f"{w}.year: expected a year like 2024, got {year!r}")
        amount = parse_quantity(entry["amount"], "money", vocabulary, f"{w}.amount")
        level = entry.get("level")
        if level is not None and not isinstance(level, str):
            raise DataError(f"{w}.level: expected a level (national, provincial, municipal) or a tier label")
        project = entry.get("project")
        if project is not None and not isinstance(project, str):
            raise DataError(f"{w}.project: expected the project's name, got {project!r}")
        out.append(PriorAward(inc, prov, year, amount.value, level, project, f"awards[{i}]"))
    return tuple(out)


def _incentive_id(value: Any, vocabulary: Vocabulary, where: str, alternative: str = "") -> str:
    """An incentive id as text ('1.10'): a YAML number (1.10 reads as 1.1) is refused, not guessed."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, (int, float)):
            raise DataError(f"{where}: {value!r} is a number, not an incentive id (YAML reads 1.10 as the number "
                            f"1.1); quote the id as written, e.g. '1.10'{alternative}")
        raise DataError(f"{where}: expected an incentive id such as '1.1', got {value!r}")
    inc = value.strip()
    if vocabulary.incentive_ids and inc not in vocabulary.incentive_ids:
        raise DataError(f"{where}: no incentive {inc!r} in data/incentives.yaml{_close(inc, vocabulary.incentive_ids)}")
    return inc


def _projects(value: Any, vocabulary: Vocabulary, source: str) -> tuple[Project, ...]:
    out = []
    names: set[str] = set()
    for i, entry in enumerate(_list(value, f"{source}: projects")):
        w = f"{source}: projects[{i}]"
        check_keys(entry, PROJECT_KEYS, w, required={"kind", "name"})
        kind = entry["kind"]
        if not isinstance(kind, str) or kind not in vocabulary.project_kinds:
            raise DataError(f"{w}.kind: {kind!r} is not a project kind{_close(str(kind), vocabulary.project_kinds)}; "
                            f"use one of {', '.join(sorted(vocabulary.project_kinds))} (data/metrics.yaml)")
        allowed = {f: vocabulary.project_metrics[f] for f in vocabulary.project_kinds[kind]}
        pname = entry["name"]
        if not isinstance(pname, str) or not pname.strip():
            raise DataError(f"{w}.name: expected the project's name (text), got {pname!r}")
        pname = pname.strip()
        if pname in names:
            raise DataError(f"{w}.name: two projects are named {pname!r}; names must be unique")
        names.add(pname)
        incentives = tuple(_incentive_id(x, vocabulary, f"{w}.incentives[{k}]")
                           for k, x in enumerate(_list(entry.get("incentives"), f"{w}.incentives")))
        out.append(Project(
            kind, pname, _metrics(entry.get("metrics"), vocabulary, f"{w}.metrics", allowed, kind),
            _qualifications(entry.get("qualifications"), vocabulary, f"{w}.qualifications"),
            incentives, f"projects[{i}]",
        ))
    return tuple(out)
