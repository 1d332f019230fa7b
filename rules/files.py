"""User-owned rules files: read one strictly, attach each incentive to its provision by its quote.

A rules file (docs/rules.md) names the documents it is for in its header::

    documents:
      - {title: 南沙区促进软件产业发展扶持办法, number: 南府〔2026〕1号, sha256: 3f5c…, path: measures.txt}
    metrics:                      # optional: metrics this file adds to data/metrics.yaml's
      cross_border_volume: {label: 跨境电子商务交易额, dimension: money, description: ...}
    incentives: [...]

The documents are given (``--source``) or found beside the rules file (``path``); a given
text whose sha256 is not the header's is an error naming the document the rules expect.
Each incentive attaches to the one provision whose repaired text holds its ``quote``: found
nowhere or in two provisions is an error naming the incentive, and nothing is loaded.
``provision:`` is optional (the quote decides; when given it must agree). Drafting keys
(``quotes``, ``document``) are checked and set aside; an incentive still marked ``review``
is an error: decide it first (`policykg rules check` lists them).

The bundled rules keep their ``compilation:`` header (the 2024 compilation, shipped as the
default corpus) and attach by quote the same way.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from policykg.rules.incentives import (  # the strict incentive parser
    INCENTIVES_PATH, METRICS_PATH, QUALIFICATIONS_PATH, Metric, ProjectKind, Rules, _Ctx,
    _IncentiveParser, _list, qualification_def,
    _load_metrics, _load_qualifications, _read, _str, max_amount_wan,
)
from policykg.errors import DataError
from policykg.loaders.source import BUNDLED_SOURCE
from policykg.rules.documents import (DocumentText, attach, documents_beside, limit_provision, match_documents,
                                      read_document)
from policykg.rules.constructs import construct_numbers_outside_quotes
from policykg.rules.draft import numbers_outside_quotes
from policykg.rules.schema import check_shape

DRAFT_KEYS = {"quotes", "document", "review"}
METRIC_KEYS = {"label", "dimension", "description", "unit"}
QUALIFICATION_KEYS = {"label", "levels", "aliases", "description"}
PROJECT_KIND_KEYS = {"label", "metrics", "description"}


def _extra_units(doc: dict, ctx: _Ctx, units: dict) -> dict[str, dict[str, float]]:
    """Dimensions a rules file adds (e.g. usd: {万美元: 1, 亿美元: 10000}); the first unit is canonical."""
    out = dict(units)
    for dim, table in (doc.get("units") or {}).items():
        c = ctx.at("units").at(str(dim))
        if str(dim) in units:
            raise c.fail(f"{dim!r} is already a dimension of data/metrics.yaml; add a new one (e.g. usd)")
        if not isinstance(table, dict) or not table:
            raise c.fail("expected a mapping of unit: factor to the first (canonical) unit")
        factors = {}
        for unit, f in table.items():
            if isinstance(f, bool) or not isinstance(f, (int, float)) or f <= 0:
                raise c.at(str(unit)).fail(f"expected a positive factor, got {f!r}")
            factors[str(unit)] = f
        if next(iter(factors.values())) != 1:
            raise c.fail("the first unit is the canonical one and must have factor 1")
        out[str(dim)] = factors
    return out


def _extra_metrics(doc: dict, ctx: _Ctx, metrics: dict[str, Metric], units: dict) -> dict[str, Metric]:
    out = dict(metrics)
    for key, m in (doc.get("metrics") or {}).items():
        c = ctx.at("metrics").at(str(key))
        c.keys(m, METRIC_KEYS, {"label", "dimension"})
        if str(key) in metrics:
            raise c.fail(f"{key!r} is already a metric of data/metrics.yaml; use it or choose another name")
        dim = _str(m["dimension"], c.at("dimension"))
        if dim not in units:
            raise c.at("dimension").fail(f"{dim!r} is not a dimension; use one of {', '.join(units)} "
                                         "(or add one under units:)")
        if "unit" in m and m["unit"] not in units[dim]:
            raise c.at("unit").fail(f"{m['unit']!r} is not a {dim} unit ({', '.join(units[dim])})")
        scope = "project" if str(key).startswith("project.") else "enterprise"
        out[str(key)] = Metric(str(key), _str(m["label"], c.at("label")), dim,
                               str(m.get("description") or m["label"]), scope)
    return out


def _extra_project_kinds(doc: dict, ctx: _Ctx, kinds: dict[str, ProjectKind],
                         metrics: dict[str, Metric]) -> dict[str, ProjectKind]:
    """Kinds of project a rules file adds (技术改造项目: the awards paid per project of that kind), each
    listing the project metrics its projects carry (fields of ``project.<field>`` entries under
    ``metrics:``), as data/metrics.yaml's project_kinds do."""
    out = dict(kinds)
    for key, k in (doc.get("project_kinds") or {}).items():
        c = ctx.at("project_kinds").at(str(key))
        c.keys(k, PROJECT_KIND_KEYS, {"label", "metrics"})
        if str(key) in kinds:
            raise c.fail(f"{key!r} is already a project kind of data/metrics.yaml; use it or choose another name")
        fields = []
        for i, f in enumerate(_list(k["metrics"], c.at("metrics"))):
            field = str(f).removeprefix("project.")
            m = metrics.get(f"project.{field}")
            if m is None or m.scope != "project":
                raise c.at("metrics").at(i).fail(f"unknown project metric {f!r}; define it under metrics: as "
                                                 f"project.{field} (label, dimension)")
            fields.append(f"project.{field}")
        label = _str(k["label"], c.at("label"))
        out[str(key)] = ProjectKind(str(key), label, str(k.get("description") or label), tuple(fields))
    return out


def _extra_qualifications(doc: dict, ctx: _Ctx, quals: dict) -> dict:
    """Titles a rules file adds (首次被评为X where X is not in data/qualifications.yaml)."""
    out = dict(quals)
    for name, q in (doc.get("qualifications") or {}).items():
        c = ctx.at("qualifications").at(str(name))
        c.keys(q, QUALIFICATION_KEYS, {"label"})
        if str(name) in quals:
            raise c.fail(f"{name!r} is already a qualification of data/qualifications.yaml; use it")
        out[str(name)] = qualification_def(str(name), q, c)
    return out


def load_rules_file(path: str | Path, sources=None, metrics_path=None, qualifications_path=None, *,
                    corpus: list[DocumentText] | None = None) -> Rules:
    """Read a rules file strictly against its documents; every incentive attached by its quote.

    `corpus`: every document of the corpus, in the order the graph numbers them (its provisions
    1..n, the next document's n+1..): the rules are for some of them and their incentives get
    the corpus-wide provision numbers."""
    p = Path(path)
    metrics, units, kinds = _load_metrics(Path(metrics_path or METRICS_PATH))
    quals = _load_qualifications(Path(qualifications_path or QUALIFICATIONS_PATH))
    ctx = _Ctx(str(p) if p.resolve() != INCENTIVES_PATH.resolve() else "data/incentives.yaml")
    where = ctx.where()
    # shapes first: every key's type, before any other walk of the file (rules.schema)
    doc = ctx.keys(check_shape(_read(p), ctx.file), {"version", "documents", "compilation", "units", "metrics",
                                                     "qualifications", "project_kinds", "incentives"},
                   {"version", "incentives"})
    if doc["version"] != 1:
        raise ctx.at("version").fail(f"{doc['version']!r} is not a supported version; use 1")
    if "documents" in doc:
        header = _list(doc["documents"], ctx.at("documents"))
        for i, h in enumerate(header):
            ctx.at("documents").at(i).keys(h, {"title", "number", "sha256", "path"}, {"sha256"})
        docs = (match_documents(header, corpus, where, others_allowed=True) if corpus is not None
                else documents_beside(header, p, sources, where))
    elif "compilation" in doc:
        # The bundled rules: written for the bundled compilation (or the one given).
        docs = [read_document(sources[0] if sources else BUNDLED_SOURCE)]
        if len(docs[0].provisions) < 1:
            raise DataError(f"{where}: the compilation has no provisions")
    else:
        raise ctx.fail("missing documents: name the documents the rules are for "
                       "(title, number (文号), sha256, path), as `policykg rules draft` writes them")
    return build_rules(doc, ctx, docs, (metrics, units, kinds), quals, corpus=corpus)


def build_rules(doc: dict, ctx: _Ctx, docs: list[DocumentText], vocab, quals, *, skip_review: bool = False,
                corpus: list[DocumentText] | None = None) -> Rules:
    """The strict incentives of a parsed rules file `doc`, attached to `docs` by quote.

    Provision numbers run over `corpus` (default: `docs`), document after document, as in the graph."""
    metrics, units, kinds = vocab
    where = ctx.where()
    corpus = corpus if corpus is not None else docs
    offset, start = {}, 0
    for d in corpus:
        offset[id(d)] = start
        start += len(d.provisions)
    units = _extra_units(doc, ctx, units)
    all_metrics = _extra_metrics(doc, ctx, metrics, units)
    quals = _extra_qualifications(doc, ctx, quals)
    kinds = _extra_project_kinds(doc, ctx, kinds, all_metrics)
    policies = sum(d.policies for d in corpus)
    parser = _IncentiveParser(all_metrics, units, kinds, quals, policies, start)
    incentives = []
    seen: dict[str, int] = {}
    counters: dict[int, int] = {}
    for i, raw in enumerate(_list(doc["incentives"], ctx.at("incentives"))):
        c = ctx.at("incentives").at(i)
        if not isinstance(raw, dict):
            raise c.fail("expected a mapping (an incentive)")
        iid = raw.get("id")
        if raw.get("review") and skip_review:
            continue
        if raw.get("review"):
            raise c.fail(f"incentive {iid} is still marked review: {raw['review']}; decide it and delete the "
                         "review line (policykg rules check lists them)")
        k, prov = attach(raw, docs, where)
        seq = offset[id(docs[k])] + prov.seq  # the corpus-wide number, as the graph gives it
        if raw.get("provision") is not None and raw["provision"] != prov.seq:
            raise c.at("provision").fail(f"incentive {iid}: its quote is in provision {prov.seq} ({prov.label}), "
                                         f"not {raw['provision']}; delete provision: (the quote decides) or fix it")
        problems = numbers_outside_quotes(raw) + construct_numbers_outside_quotes(raw)
        if problems:
            raise c.fail(problems[0])
        for name, q in (raw.get("quotes") or {}).items():
            if not isinstance(q, str) or q not in prov.text:
                raise c.at("quotes").at(str(name)).fail(f"incentive {iid}: not in {prov.label}'s text: {q!r}")
        d = {k: v for k, v in raw.items() if k not in DRAFT_KEYS}
        d["provision"] = seq
        if any(isinstance(x, dict) and x.get("provision") is not None for x in raw.get("limits") or []):
            d["limits"] = [_limit_at(x, docs[k], offset[id(docs[k])], c.at("limits").at(j), iid)
                           for j, x in enumerate(raw["limits"])]
        # ids are the user's; the strict parser wants "<provision>.<n>", so it sees one of those
        counters[seq] = counters.get(seq, 0) + 1
        user_id = iid
        if not isinstance(user_id, str):
            raise c.at("id").fail(f"{user_id!r}: write the id quoted, e.g. \"1.1\" (unquoted 1.10 reads as 1.1)")
        if not re.fullmatch(r"\d+\.\d+", user_id):
            # reports sort and group awards by these two numbers; they need not name the provision
            raise c.at("id").fail(f"{user_id!r}: write ids as two numbers, e.g. \"3.1\" (by convention the "
                                  "provision and the award's order in it; the quote decides where it attaches)")
        d["id"] = f"{seq}.{counters[seq]}"
        inc = parser.incentive(d, c)
        inc = replace(inc, id=user_id)
        inc = replace(inc, max_amount_wan=max_amount_wan(inc))
        if user_id in seen:
            raise c.at("id").fail(f"duplicate id {user_id!r} (also incentives[{seen[user_id]}]); ids are unique")
        seen[user_id] = i
        incentives.append(inc)
    return Rules(where, doc["version"], tuple(incentives), all_metrics, units, kinds, quals,
                 {x.id: x for x in incentives}, policies, start)


def _limit_at(lim: Any, doc: DocumentText, offset: int, ctx: _Ctx, iid: Any) -> Any:
    """A limit another article sets (``provision:``, the document's own numbering): its quote checked in that
    article's text, the number made corpus-wide as the graph numbers provisions."""
    if not isinstance(lim, dict) or lim.get("provision") is None:
        return lim
    prov, why = limit_provision(lim, doc, iid)
    if prov is None:
        raise ctx.at("provision").fail(why)
    return {**lim, "provision": offset + prov.seq}


def describe(rules: Rules) -> dict[str, Any]:
    return {"rules": rules.path, "incentives": len(rules.incentives), "provisions": rules.provision_count}
