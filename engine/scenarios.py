"""Eligibility scenarios: a sentence, a profile, a date, and what the engine must answer.

``data/scenarios/*.yaml`` (read strictly)::

    scenarios:
      - name: a software firm first reaching 12亿元 after a 5亿元 award gets the difference
        as_of: 2025-06-30
        profile: {name: ..., industries: [...], metrics: {...}, awards: [...]}   # or profile_file: ../../docs/examples/x.yaml (relative to this file)
        expect:
          "1.1": {status: eligible, amount_wan: 50, explanation: "100 − 50 already received"}
          "4.3 @ 云栈办公APP": {status: needs_selection}      # a project-level incentive: "<id> @ <project name>"
          "4.1": {status: eligible, paid_to: person}          # paid to persons or an intermediary (null: the firm)
        totals: {eligible_wan: 130, paid_to_others_wan: 30}  # optional: the answer's totals (together, as eligible shows)

`amount_wan: null` expects no amount; leaving `amount_wan` out does not check it.

A scenario file for rules other than the bundled ones names its rules file first (relative to the
scenario file; the rules file names its document, found beside it)::

    rules: constructs/constructs.rules.yaml
    scenarios: [...]

The parametrised test (tests/test_eligibility.py) runs every scenario against its rules; the Neo4j
parity test reads those of the bundled rules (the Neo4j backend answers for those only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from policykg.engine.eligibility import STATUSES
from policykg.errors import DataError
from policykg.loaders.yamlio import DatesAsTextLoader, check_keys, load_yaml
from policykg.paths import PACKAGE_DIR, SCENARIO_DIR  # noqa: F401  (PACKAGE_DIR: re-exported for the tests)


_UNSET = object()
PAID_TO = (None, "person", "intermediary")
TOTALS = ("eligible_wan", "eligible_up_to_wan", "needs_selection_up_to_wan", "paid_to_others_wan",
          "paid_to_others_up_to_wan")


@dataclass(frozen=True)
class Expectation:
    key: str  # "1.1" or "4.3 @ project name"
    incentive: str
    project: str | None
    status: str | None
    amount_wan: Any = _UNSET  # float | None | _UNSET (not checked)
    explanation: tuple[str, ...] = ()
    amount_is_ceiling: bool | None = None
    paid_to: Any = _UNSET  # "person" | "intermediary" | None (the firm) | _UNSET (not checked)

    @property
    def checks_amount(self) -> bool:
        return self.amount_wan is not _UNSET


@dataclass(frozen=True)
class Scenario:
    name: str
    file: str
    as_of: date
    profile_doc: dict
    profile_name: str
    expect: tuple[Expectation, ...] = field(default_factory=tuple)
    #: The rules file the scenario is about (absolute path); None: the bundled rules.
    rules: str | None = None
    #: Expected totals of the answer (keys of TOTALS), as `policykg eligible` reports them.
    totals: tuple[tuple[str, float], ...] = ()


def _as_date(v: Any, where: str) -> date:
    try:
        return v if isinstance(v, date) else date.fromisoformat(str(v))
    except ValueError:
        raise DataError(f"{where}: {v!r} is not a valid date; use YYYY-MM-DD") from None


def load_scenarios(folder: str | Path = SCENARIO_DIR) -> list[Scenario]:
    """Every scenario of every ``*.yaml`` in `folder`, in file then listing order; names are unique."""
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        doc = check_keys(load_yaml(path, DatesAsTextLoader), {"scenarios", "rules"}, path.name, {"scenarios"})
        rules = None
        if "rules" in doc:
            if not isinstance(doc["rules"], str) or not doc["rules"].strip():
                raise DataError(f"{path.name}: rules: expected the rules file's name, relative to {path.name}")
            rp = (path.parent / doc["rules"]).resolve()
            if not rp.is_file():
                raise DataError(f"{path.name}: rules: {doc['rules']} not found beside {path.name}")
            rules = str(rp)
        for i, s in enumerate(doc["scenarios"] or []):
            where = f"{path.name}: scenarios[{i}]"
            check_keys(s, {"name", "as_of", "profile", "profile_file", "expect", "totals"}, where,
                       {"name", "as_of", "expect"})
            name = s["name"]
            if not isinstance(name, str) or not name.strip():
                raise DataError(f"{where}.name: the scenario's sentence is required")
            if name in seen:
                raise DataError(f"{where}.name: {name!r} is also a scenario in {seen[name]}; names are unique")
            seen[name] = path.name
            if ("profile" in s) == ("profile_file" in s):
                raise DataError(f"{where}: give exactly one of profile or profile_file")
            if "profile_file" in s:
                # Relative to the scenario file itself, so a wheel install finds it too.
                ppath = (path.parent / s["profile_file"]).resolve()
                profile_doc = load_yaml(ppath, DatesAsTextLoader)
                profile_name = ppath.name
            else:
                profile_doc, profile_name = s["profile"], f"{path.name}: scenarios[{i}].profile"
            expects = []
            for key, e in (s["expect"] or {}).items():
                w = f"{where}.expect[{key!r}]"
                check_keys(e, {"status", "amount_wan", "explanation", "amount_is_ceiling", "paid_to"}, w)
                if e.get("status") is not None and e["status"] not in STATUSES:
                    raise DataError(f"{w}.status: {e['status']!r} is not one of {', '.join(STATUSES)}")
                if e.get("paid_to") not in PAID_TO:
                    raise DataError(f"{w}.paid_to: {e['paid_to']!r} is not one of person, intermediary, null (the firm)")
                inc, _, project = str(key).partition("@")
                expl = e.get("explanation") or ()
                expects.append(Expectation(
                    str(key), inc.strip(), project.strip() or None, e.get("status"),
                    e["amount_wan"] if "amount_wan" in e else _UNSET,
                    (expl,) if isinstance(expl, str) else tuple(expl),
                    e.get("amount_is_ceiling"), e["paid_to"] if "paid_to" in e else _UNSET,
                ))
            if not expects:
                raise DataError(f"{where}.expect: say what the engine must answer for at least one incentive")
            totals = check_keys(s.get("totals") or {}, set(TOTALS), f"{where}.totals")
            for key, v in totals.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    raise DataError(f"{where}.totals.{key}: expected an amount in 万元, got {v!r}")
            out.append(Scenario(name.strip(), path.name, _as_date(s["as_of"], f"{where}.as_of"), profile_doc,
                                profile_name, tuple(expects), rules, tuple(totals.items())))
    return out


def scenario_engine(rules: str):
    """The engine for a scenario file's own rules: the rules file and the document(s) it names beside it."""
    from policykg.engine.corpus import open_corpus

    p = Path(rules)
    doc = load_yaml(p)
    header = doc.get("documents") if isinstance(doc, dict) else None
    if not isinstance(header, list) or not header or not all(isinstance(h, dict) and h.get("path") for h in header):
        raise DataError(f"{p.name}: documents: name the document each scenario is about (path: beside the rules file)")
    return open_corpus([str(p.parent / h["path"]) for h in header], [str(p)]).engine()


def find_result(results, exp: Expectation):
    """The result an expectation is about (None when the engine gave none)."""
    hits = [r for r in results if r.incentive == exp.incentive and (exp.project is None or r.project == exp.project)]
    return hits[0] if len(hits) == 1 else None if not hits else hits


def mismatches(results, scenario: Scenario, totals: dict | None = None) -> list[str]:
    """What differs between the engine's `results` (and the answer's `totals`, `Evaluation.to_dict()["totals"]`)
    and the scenario's expectations (empty: all good)."""
    problems = []
    for key, want in scenario.totals:
        got = None if totals is None else totals.get(key)
        if got is None or abs(float(got) - float(want)) > 1e-6:
            problems.append(f"totals.{key}: {got}, expected {want}")
    for exp in scenario.expect:
        r = find_result(results, exp)
        if r is None:
            problems.append(f"{exp.key}: no result")
            continue
        if isinstance(r, list):
            problems.append(f"{exp.key}: {len(r)} results (one per project); name the project as '<id> @ <name>'")
            continue
        if exp.status is not None and r.status != exp.status:
            problems.append(f"{exp.key}: status {r.status!r}, expected {exp.status!r} ({r.explanation})")
        if exp.checks_amount:
            want = exp.amount_wan
            if (want is None) != (r.amount_wan is None) or (
                    want is not None and abs(float(want) - r.amount_wan) > 1e-6):
                problems.append(f"{exp.key}: amount {r.amount_wan}, expected {want} ({r.arithmetic or r.explanation})")
        if exp.paid_to is not _UNSET and r.paid_to != exp.paid_to:
            problems.append(f"{exp.key}: paid_to {r.paid_to!r}, expected {exp.paid_to!r}")
        if exp.amount_is_ceiling is not None and r.amount_is_ceiling != exp.amount_is_ceiling:
            problems.append(f"{exp.key}: amount_is_ceiling {r.amount_is_ceiling}, expected {exp.amount_is_ceiling}")
        for text in exp.explanation:
            blob = " | ".join([r.explanation, r.arithmetic or "", r.next_tier or ""])
            if text not in blob:
                problems.append(f"{exp.key}: explanation lacks {text!r}: {blob}")
    return problems
