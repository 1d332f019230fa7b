"""`policykg rules check`: prove a rules file against the documents it is for.

Strict validation, each problem naming the incentive and the field:

- the file names its documents (title, 文号, sha256) and each given document is one of them
  (a sha256 mismatch says which document the rules expect);
- every quote is found in the repaired text of exactly one provision (the incentive attaches
  there), every field quote (`quotes.*`, a criterion's, limit's, selection's, title's) in
  that provision;
- every number is in its quote (`numbers_outside_quotes`);
- every metric is known (data/metrics.yaml, or the file's own `metrics:`) and every unit is
  one of its dimension's.

Coverage: every sentence stating money, a rate (% or ‰) or a cap that no incentive or limit quotes,
and incentives still marked `review`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykg.errors import DataError
from policykg.loaders.yamlio import load_yaml
from policykg.rules.documents import (ProvisionText, attach, file_sha256, limit_provision, match_documents,
                                      read_document)
from policykg.rules.constructs import construct_numbers_outside_quotes
from policykg.rules.schema import check_shape
from policykg.rules.draft import DATA_DIR, _sentences, numbers_outside_quotes
from policykg.rules.files import (METRICS_PATH, QUALIFICATIONS_PATH, _Ctx, _load_metrics, _load_qualifications,
                                 build_rules)


@dataclass
class CheckReport:
    rules: str
    documents: list[str]
    incentives: int
    errors: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    attached: dict[str, str] = field(default_factory=dict)  # incentive id -> provision label

    @property
    def ok(self) -> bool:
        return not self.errors and not self.reviews

    def as_dict(self) -> dict:
        return {"rules": self.rules, "documents": self.documents, "incentives": self.incentives,
                "errors": self.errors, "reviews": self.reviews, "uncovered": self.uncovered, "ok": self.ok}


def _units() -> dict[str, dict[str, float]]:
    doc = load_yaml(DATA_DIR / "metrics.yaml")
    return {str(k): {str(u): f for u, f in (v or {}).items()} for k, v in doc["units"].items()}


def _metrics(extra: dict | None) -> dict[str, str]:
    doc = load_yaml(DATA_DIR / "metrics.yaml")
    out = {str(k): str(v["dimension"]) for k, v in (doc.get("metrics") or {}).items()}
    out |= {f"project.{k}": str(v["dimension"]) for k, v in (doc.get("project_metrics") or {}).items()}
    for k, v in (extra or {}).items():
        if isinstance(v, dict) and "dimension" in v:
            out[str(k)] = str(v["dimension"])
    return out


def _field_quotes(inc: dict) -> list[tuple[str, str]]:
    out = [(f"quotes.{k}", v) for k, v in (inc.get("quotes") or {}).items() if isinstance(v, str)]
    for section in ("criteria", "limits", "qualifications", "phases"):
        for i, x in enumerate(inc.get(section) or []):
            if section == "limits" and isinstance(x, dict) and x.get("provision") is not None:
                continue  # set by another article: checked in that article's text (check_rules)
            if isinstance(x, dict) and isinstance(x.get("quote"), str):
                out.append((f"{section}[{i}].quote", x["quote"]))
    for key in ("selection", "defers_to"):
        if isinstance(inc.get(key), dict) and isinstance(inc[key].get("quote"), str):
            out.append((f"{key}.quote", inc[key]["quote"]))
    return out


def check_incentive(inc: dict, prov: ProvisionText, metrics: dict[str, str], units: dict, where: str) -> list[str]:
    iid = inc.get("id")
    problems = []
    for name, q in _field_quotes(inc):
        if q not in prov.text:
            problems.append(f"{where}: incentive {iid}: {name} is not in {prov.label}'s text: {q[:40]!r}")
    problems += [f"{where}: {p}" for p in numbers_outside_quotes(inc) + construct_numbers_outside_quotes(inc)]

    def metric(key: Any, at: str, unit: Any = None, has_unit: bool = False) -> None:
        if key is None:
            problems.append(f"{where}: incentive {iid}: {at}: no metric chosen; pick one of metrics.yaml or add it under metrics:")
            return
        dim = metrics.get(str(key))
        if dim is None:
            problems.append(f"{where}: incentive {iid}: {at}: unknown metric {key!r}; add it under metrics: "
                            "(name, label, dimension) or use one of data/metrics.yaml")
            return
        if has_unit and dim != "flag" and unit not in units.get(dim, {}):
            problems.append(f"{where}: incentive {iid}: {at}: unit {unit!r} is not a {dim} unit "
                            f"({', '.join(units.get(dim, {})) or 'none'})")

    for i, c in enumerate(inc.get("criteria") or []):
        if isinstance(c, dict) and c.get("stated", True) is not False:
            metric(c.get("metric"), f"criteria[{i}].metric", c.get("unit"), has_unit=c.get("op") != "positive")
    if inc.get("basis") == "per_unit" and isinstance(inc.get("per_unit"), dict):
        metric(inc["per_unit"].get("metric"), "per_unit.metric")  # what is counted (每辆, 按人次)
    if "phases" in inc:
        metric(inc.get("phase_start"), "phase_start")  # the year a phased rate counts from (落户年份)
    if inc.get("basis") in ("rate", "matching") or any("rate_percent" in t or "rate_permille" in t
                                                       for t in inc.get("tiers") or [] if isinstance(t, dict)):
        metric(inc.get("rate_base"), "rate_base")
    if any("min" in t for t in inc.get("tiers") or []):
        metric(inc.get("tier_metric"), "tier_metric")
        dim = metrics.get(str(inc.get("tier_metric")))
        for i, t in enumerate(inc.get("tiers") or []):
            if "min" in t and dim and t.get("unit") not in units.get(dim, {}):
                problems.append(f"{where}: incentive {iid}: tiers[{i}].unit {t.get('unit')!r} is not a {dim} unit")
    return problems


_MONEY_RATE_CAP = re.compile(r"\d(?:\.\d+)?\s*(?:万|亿|千)?(?:元|美元|港元|欧元)|\d\s*[%‰]|上限|封顶")


def _covered(prov: ProvisionText, quotes: list[str]) -> list[str]:
    """Sentences of `prov` stating money, a rate (% or ‰) or a cap that none of `quotes` (an incentive's quote,
    its field quotes, its limits' quotes) overlaps."""
    out = []
    for sent in _sentences(prov.text):
        s = sent.text
        if not _MONEY_RATE_CAP.search(s):
            continue
        span = (sent.start, sent.start + len(s))
        if not any(_overlap(span, prov.text.find(q), len(q)) for q in quotes if q):
            out.append(f"{prov.label}: states money, a rate or a cap that no incentive or limit quotes: {s[:60]}")
    return out


def _overlap(span: tuple[int, int], start: int, length: int) -> bool:
    return start >= 0 and min(span[1], start + length) > max(span[0], start)


def check_rules(rules_path: str | Path, sources: list[str | Path]) -> CheckReport:
    """Validate a rules file against its documents; return every problem found (never stops at the first)."""
    p = Path(rules_path)
    where = str(p)
    doc = check_shape(load_yaml(p), where)  # every key's type first: the walks below trust the shapes
    if "incentives" not in doc:
        raise DataError(f"{where}: not a rules file: no incentives: list (see docs/rules.md)")
    header = doc.get("documents")
    if not isinstance(header, list) or not header:
        raise DataError(f"{where}: documents: missing; name the documents the rules are for "
                        "(title, number (文号), sha256), as `policykg rules draft` writes them")
    docs = match_documents(header, [read_document(s) for s in sources], where)
    units = _units() | {str(k): dict(v) for k, v in (doc.get("units") or {}).items() if isinstance(v, dict)}
    metrics = _metrics(doc.get("metrics"))
    incs = doc.get("incentives") or []
    report = CheckReport(where, [d.path for d in docs], len(incs))
    by_prov: dict[tuple[int, int], list[str]] = {}
    seen_ids: set[str] = set()
    for inc in incs:
        iid = inc.get("id")
        if iid in seen_ids:
            report.errors.append(f"{where}: incentive {iid}: duplicate id; ids are unique")
        seen_ids.add(iid)
        try:
            k, prov = attach(inc, docs, where)
        except DataError as exc:
            report.errors.append(str(exc))
            continue
        report.attached[str(iid)] = prov.label
        if inc.get("provision") is not None and inc["provision"] != prov.seq:
            report.errors.append(f"{where}: incentive {iid}: its quote is in provision {prov.seq} ({prov.label}), "
                                 f"not {inc['provision']}; delete provision: (the quote decides) or fix it")
        spans = by_prov.setdefault((k, prov.seq), [])
        spans.append(inc["quote"])
        spans += [q for q in (inc.get("quotes") or {}).values() if isinstance(q, str)]
        for j, lim in enumerate(inc.get("limits") or []):
            if not isinstance(lim, dict) or not isinstance(lim.get("quote"), str):
                continue
            if lim.get("provision") is None:
                spans.append(lim["quote"])
                continue
            other, why = limit_provision(lim, docs[k], iid)  # 第八条's envelope over this article's awards
            if other is None:
                report.errors.append(f"{where}: incentive {iid}: limits[{j}].provision: {why.split(': ', 1)[1]}")
            else:
                by_prov.setdefault((k, other.seq), []).append(lim["quote"])
        report.errors += check_incentive(inc, prov, metrics, units, where)
        if inc.get("review"):
            report.reviews.append(f"incentive {iid} ({prov.label}): review: {inc['review']}")
    if not report.errors:
        # the loader's strict reading (keys, kinds, units, tiers …), on what is already decided
        try:
            build_rules(doc, _Ctx(where), docs, _load_metrics(METRICS_PATH), _load_qualifications(QUALIFICATIONS_PATH),
                        skip_review=True)
        except DataError as exc:
            report.errors.append(str(exc))
    for k, d in enumerate(docs):
        for prov in d.provisions:
            report.uncovered += _covered(prov, by_prov.get((k, prov.seq), []))
    return report


__all__ = ["CheckReport", "check_rules", "attach", "match_documents", "file_sha256"]
