"""A seeded generator of synthetic enterprise registers (docs/register.md), shaped like a district's.

    .venv/bin/python bench/register_gen.py 100000 -o /tmp/district.parquet [--seed 7] [--as-of 2025-06-30]

`generate_register(n, seed, as_of)` returns a pyarrow Table in the register format; the same
seed gives the same register. Distributions (all in the header's units; docs/register.md has
the table):

- **industries**: one of the compilation's 12 industry sections, weighted towards 数实融合
  (manufacturing, 18%), 软件和信息服务业 (22%) and 数字消费 (e-commerce, 15%); 15% list a second one.
- **revenue[万元]**: log-normal, median 1,500万元, σ = 1.6 (a long tail: about 0.4% above 10亿元),
  capped at 500亿元. **revenue_prev[万元]** = revenue / (1 + growth), growth ~ N(10%, 25%) clipped
  to [−80%, +300%]; 5% of firms leave it empty (new firms). **revenue_growth[%]** is given for 10%
  of firms (the rest derive it, as the engine does). **revenue_growth_avg_3y[%]** ~ N(8%, 15%), 20% empty.
- **rd_spend[万元]** = revenue_prev × a log-normal share (median 3%; 8% for software and IC),
  capped at 60%; 10% empty.
- sector metrics only for their sector: 首版次 sales (holders of 首版次软件产品), IC first-launch
  purchases, e-commerce GMV **[亿元]**, ranks, clients and service income, data-service rank,
  vision-HQ star rating, booth fees **[元]** and licensing income for 数字文创; yes/no columns
  (stats_direct_reporting 60%, located_in_hangzhou 90%, is_sme = revenue < 4亿元; any other yes/no
  metric of data/metrics.yaml: 30% yes, 10% empty).
- **qualifications**: each title with its own rate (0.2% … 10%, higher in its sector), a random
  allowed level, dated over the six years before as-of; 5% of them are dated after as-of
  (not yet held on that day), and 5% give no date.
- **awards** (prior awards): for each enterprise-level award with an amount, 1.5% of firms got it
  in one of the five years up to as-of's year, at a tier's amount or up to its cap (some with the
  tier's label as level); 30% of firms at ≥ 5亿元 revenue in software got the 5亿元 tier of 1.1.
- `edges`: a share of rows whose values sit exactly on the rules' thresholds (criteria and tier
  minimums, converted to the column's unit; growth thresholds via revenue/revenue_prev pairs),
  for the differential test.

No threshold is written here: the edges are read from data/incentives.yaml.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

INDUSTRY_WEIGHTS = {
    "软件和信息服务业": 0.22, "数实融合": 0.18, "数字消费": 0.15, "人工智能产业": 0.08, "数字文创": 0.08,
    "集成电路产业": 0.05, "数字乡村": 0.05, "视觉智能产业": 0.04, "数字金融": 0.04, "数据要素激活": 0.04,
    "数字基建提升": 0.04, "场景应用开放": 0.03,
}
#: (qualification, base rate, {industry: rate there})
QUALIFICATION_RATES = [
    ("国家鼓励的重点软件企业", 0.0, {"软件和信息服务业": 0.04}),
    ("首版次软件产品", 0.0, {"软件和信息服务业": 0.06}),
    ("单项冠军示范企业", 0.005, {"数实融合": 0.03, "人工智能产业": 0.02}),
    ("专精特新小巨人", 0.02, {"数实融合": 0.05, "人工智能产业": 0.05}),
    ("专精特新中小企业", 0.08, {"数实融合": 0.15}),
    ("隐形冠军", 0.02, {"人工智能产业": 0.04}),
    ("链主企业", 0.003, {"集成电路产业": 0.03}),
    ("链主工厂", 0.002, {"数实融合": 0.01}),
    ("智能工厂", 0.005, {"数实融合": 0.04}),
    ("数字化车间", 0.01, {"数实融合": 0.08}),
    ("绿色低碳工厂", 0.005, {"数实融合": 0.04}),
    ("工业互联网平台", 0.002, {"数实融合": 0.01, "软件和信息服务业": 0.01}),
    ("工业互联网APP优秀解决方案", 0.001, {"软件和信息服务业": 0.01}),
    ("网络安全技术应用试点示范项目", 0.001, {"软件和信息服务业": 0.01}),
    ("人工智能标杆产业园", 0.0, {"人工智能产业": 0.005}),
    ("新电商示范企业", 0.0, {"数字消费": 0.03}),
    ("数据开放共享供应商", 0.0, {"数据要素激活": 0.10}),
]
AWARD_RATE = 0.015
EMPTY = None


def _money(rng, n, median, sigma):
    return np.round(np.exp(rng.normal(np.log(median), sigma, n)), 2)


def _blank(values: np.ndarray, keep: np.ndarray) -> pa.Array:
    """Values where keep, else empty (null)."""
    return pa.array(values, mask=~keep)


def _join(parts: list[np.ndarray], n: int) -> pa.Array:
    """Per row, the non-empty entries of `parts` (object arrays of str/None) joined by ';'."""
    acc = np.full(n, None, dtype=object)
    for part in parts:
        idx = np.flatnonzero(part != None)  # noqa: E711 - elementwise on an object array
        for i, text in zip(idx, part[idx]):
            acc[i] = text if acc[i] is None else acc[i] + ";" + text
    return pa.array(acc, pa.string())


def generate_register(n: int, seed: int = 20250630, as_of: date = date(2025, 6, 30), edges: float = 0.0,
                      rules=None) -> pa.Table:
    """`n` synthetic enterprises (a pyarrow Table in the register format), reproducible from `seed`."""
    from policykg.rules.incentives import load_rules

    rules = rules or load_rules()
    rng = np.random.default_rng(seed)
    names = list(INDUSTRY_WEIGHTS)
    weights = np.array(list(INDUSTRY_WEIGHTS.values()))
    primary = rng.choice(len(names), size=n, p=weights / weights.sum())
    second = rng.choice(len(names), size=n, p=weights / weights.sum())
    two = (rng.random(n) < 0.15) & (second != primary)
    combos = names + [f"{a};{b}" for a in names for b in names]
    code = np.where(two, len(names) + primary * len(names) + second, primary)
    industries = pa.DictionaryArray.from_arrays(pa.array(code, pa.int32()), pa.array(combos)).cast(pa.string())

    def sector(name: str) -> np.ndarray:
        k = names.index(name)
        return (primary == k) | (two & (second == k))

    software, ic, ecommerce = sector("软件和信息服务业"), sector("集成电路产业"), sector("数字消费")
    culture, data, vision, manufacturing = sector("数字文创"), sector("数据要素激活"), sector("视觉智能产业"), \
        sector("数实融合")

    revenue = np.minimum(_money(rng, n, 1500, 1.6), 5_000_000.0)
    growth = np.clip(rng.normal(0.10, 0.25, n), -0.8, 3.0)
    revenue_prev = np.round(revenue / (1 + growth), 2)
    has_prev = rng.random(n) >= 0.05
    growth_given = rng.random(n) < 0.10
    growth_pct = np.round(growth * 100, 2)
    growth3 = np.round(rng.normal(8, 15, n), 2)
    rd_share = np.minimum(np.exp(rng.normal(np.log(np.where(software | ic, 0.08, 0.03)), 0.9)), 0.6)
    rd_spend = np.round(revenue_prev * rd_share, 2)
    has_rd = (rng.random(n) >= 0.10) & has_prev

    cols: dict[str, pa.Array] = {}
    width = max(7, len(str(n)))
    ids = pc.binary_join_element_wise("E", pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
                                                          width, "0"), "")
    cols["id"] = ids
    cols["name"] = pc.binary_join_element_wise("杭州合成企业", pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
                                               "有限公司", "")
    cols["industries"] = industries

    # qualifications (generated before the sector metrics that depend on them)
    year = as_of.year
    first = np.datetime64(date(year - 6, 1, 1))
    span = (np.datetime64(as_of) - first).astype(int)
    qual_parts = []
    holds: dict[str, np.ndarray] = {}
    for qname, base, boost in QUALIFICATION_RATES:
        rate = np.full(n, base)
        for ind, r in boost.items():
            rate = np.where(sector(ind), np.maximum(rate, r), rate)
        mask = rng.random(n) < rate
        holds[qname] = mask
        k = int(mask.sum())
        if not k:
            continue
        levels = rules.qualifications[qname].levels
        lv = np.array(levels, dtype=object)[rng.integers(0, len(levels), k)] if levels else np.full(k, "", object)
        days = rng.integers(0, span + 1, k)
        late = rng.random(k) < 0.05
        days = np.where(late, span + rng.integers(1, 365, k), days)
        dates = np.datetime_as_string(first + days.astype("timedelta64[D]"), unit="D")
        # 5% give no date (首次 awards then ask for it), from a stream of their own (seeded by the name)
        # so that the rest of the register is the same as before they were added
        undated = np.random.default_rng([seed, zlib.crc32(f"undated:{qname}".encode())]).random(k) < 0.05
        text = np.full(n, None, dtype=object)
        text[mask] = [(f"{qname}@{level}" if level else qname) + ("" if u else f":{d}")
                      for level, d, u in zip(lv, dates, undated)]
        qual_parts.append(text)

    cols["revenue[万元]"] = pa.array(revenue)
    cols["revenue_prev[万元]"] = _blank(revenue_prev, has_prev)
    cols["revenue_growth[%]"] = _blank(growth_pct, growth_given)
    cols["revenue_growth_avg_3y[%]"] = _blank(growth3, rng.random(n) >= 0.20)
    cols["rd_spend[万元]"] = _blank(rd_spend, has_rd)
    cols["first_version_software_sales[万元]"] = _blank(_money(rng, n, 3000, 1.2), holds["首版次软件产品"])
    cols["ic_first_launch_purchases[万元]"] = _blank(_money(rng, n, 500, 1.2),
                                                    (ic | manufacturing) & (rng.random(n) < 0.2))
    cols["ecommerce_gmv[亿元]"] = _blank(np.round(np.exp(rng.normal(np.log(0.5), 2.0, n)), 4),
                                        ecommerce & (rng.random(n) < 0.6))
    cols["ecommerce_rank[位]"] = _blank(rng.integers(1, 51, n).astype(float), ecommerce & (rng.random(n) < 0.05))
    cols["stats_direct_reporting"] = _blank(rng.random(n) < 0.6, rng.random(n) < 0.95)
    cols["located_in_hangzhou"] = _blank(rng.random(n) < 0.9, rng.random(n) < 0.95)
    service = ecommerce & (rng.random(n) < 0.2)
    cols["ecommerce_clients_served[家]"] = _blank(np.round(_money(rng, n, 30, 1.0)), service)
    cols["ecommerce_service_income[万元]"] = _blank(_money(rng, n, 600, 1.0), service)
    cols["ecommerce_service_income_growth_avg_2y[%]"] = _blank(np.round(rng.normal(15, 20, n), 2), service)
    cols["data_service_transaction_rank[位]"] = _blank(rng.integers(1, 31, n).astype(float),
                                                      data & (rng.random(n) < 0.3))
    cols["is_sme"] = _blank(revenue < 40_000, rng.random(n) < 0.95)
    cols["vision_hq_star_rating[星级]"] = _blank(rng.integers(0, 6, n).astype(float), vision & (rng.random(n) < 0.3))
    cols["exhibition_booth_fees[元]"] = _blank(np.round(_money(rng, n, 20, 1.0) * 10_000), culture & (rng.random(n) < 0.4))
    cols["anime_overseas_licensing_income[万元]"] = _blank(_money(rng, n, 300, 1.3), culture & (rng.random(n) < 0.2))
    cols["game_overseas_licensing_income[万元]"] = _blank(_money(rng, n, 300, 1.3), culture & (rng.random(n) < 0.2))
    # yes/no metrics added to data/metrics.yaml later than this generator: 30% yes, 10% empty, each from
    # its own stream (seeded by its name) so that adding one does not reshuffle the rest of the register
    given = {h.split("[")[0] for h in cols}
    for key, m in rules.metrics.items():
        if m.scope == "enterprise" and m.dimension == "flag" and key not in given:
            frng = np.random.default_rng([seed, zlib.crc32(key.encode())])
            cols[key] = _blank(frng.random(n) < 0.3, frng.random(n) < 0.9)
    cols["qualifications"] = _join(qual_parts, n)

    # prior awards
    award_parts = []
    for inc in rules.incentives:
        if inc.per_project or inc.max_amount_wan is None:
            continue
        mask = rng.random(n) < AWARD_RATE
        k = int(mask.sum())
        if not k:
            continue
        years = rng.integers(year - 4, year + 1, k)
        if inc.tiers and all(t.amount_wan is not None for t in inc.tiers):
            pick = rng.integers(0, len(inc.tiers), k)
            amounts = np.array([t.amount_wan for t in inc.tiers], dtype=float)[pick]
            labels = np.array([t.label for t in inc.tiers], dtype=object)[pick]
            with_label = rng.random(k) < 0.2
        else:
            amounts = np.round(rng.uniform(0, inc.max_amount_wan, k), 2)
            labels, with_label = np.full(k, "", object), np.zeros(k, bool)
        text = np.full(n, None, dtype=object)
        text[mask] = [f"{inc.id}@{y}:{a:g}" + (f":{lab}" if wl else "")
                      for y, a, lab, wl in zip(years, amounts, labels, with_label)]
        award_parts.append(text)
    first_tier = software & (revenue >= 50_000) & (rng.random(n) < 0.3)
    if "1.1" in rules.by_id and rules.by_id["1.1"].tiers:
        t0 = rules.by_id["1.1"].tiers[0]
        text = np.full(n, None, dtype=object)
        years = rng.integers(year - 3, year, int(first_tier.sum()))
        text[first_tier] = [f"1.1@{y}:{t0.amount_wan:g}" for y in years]
        award_parts.append(text)
    cols["awards"] = _join(award_parts, n)

    table = pa.table(cols)
    if edges > 0:
        table = _edges(table, rng, edges, rules)
    return table


def _edges(table: pa.Table, rng, share: float, rules) -> pa.Table:
    """Put `share` of the rows exactly on thresholds read from the rules."""
    from policykg.engine.profile import Vocabulary
    from policykg.engine.register import parse_layout

    layout = parse_layout(table.column_names, Vocabulary.from_rules(rules), "generated", is_csv=False)
    by_metric = layout.metrics
    points: dict[str, set[float]] = {}
    for inc in rules.incentives:
        if inc.per_project:
            continue
        for c in inc.criteria:
            if c.stated and not isinstance(c.value, bool):
                points.setdefault(c.metric, set()).add(float(c.value))
        for t in inc.tiers:
            if t.min is not None:
                points.setdefault(inc.tier_metric, set()).add(float(t.min))
    n = table.num_rows
    cols = {name: table.column(name).combine_chunks() for name in table.column_names}
    for metric, values in sorted(points.items()):
        values = sorted(values)
        mask = rng.random(n) < share
        k = int(mask.sum())
        if not k:
            continue
        picked = np.array(values)[rng.integers(0, len(values), k)]
        if metric in by_metric:
            col = by_metric[metric]
            arr = cols[col.header].to_numpy(zero_copy_only=False).astype(float)
            arr[mask] = np.round(picked / col.factor, 6)
            cols[col.header] = pa.array(arr, mask=np.isnan(arr))
        elif metric == "revenue_growth" or metric == "rd_ratio":
            # a derived metric: set its inputs so the formula lands on the threshold
            prev = cols["revenue_prev[万元]"].to_numpy(zero_copy_only=False).astype(float)
            prev[mask] = np.array([10_000.0, 25_000.0, 40_000.0])[rng.integers(0, 3, k)]
            cols["revenue_prev[万元]"] = pa.array(prev, mask=np.isnan(prev))
            target = "revenue[万元]" if metric == "revenue_growth" else "rd_spend[万元]"
            arr = cols[target].to_numpy(zero_copy_only=False).astype(float)
            arr[mask] = np.round(prev[mask] * (1 + picked / 100) if metric == "revenue_growth"
                                 else prev[mask] * picked / 100, 6)
            cols[target] = pa.array(arr, mask=np.isnan(arr))
            if metric == "revenue_growth":
                g = cols["revenue_growth[%]"].to_numpy(zero_copy_only=False).astype(float)
                g[mask] = np.nan
                cols["revenue_growth[%]"] = pa.array(g, mask=np.isnan(g))
    return pa.table(cols)


# --------------------------------------------------------------------------- projects tables

#: Project kinds by the enterprise's first industry (relative weights; a kind listed nowhere, or an
#: enterprise with no industry, draws from every kind with weight PROJECT_KIND_BASE).
PROJECT_KIND_WEIGHTS = {
    "软件和信息服务业": {"mobile_app": 3, "original_software_product": 3, "collaborative_software_rd": 1,
                         "software_public_platform": 1, "scenario_opening_project": 0.5},
    "人工智能产业": {"specialised_model": 3, "ai_benchmark_demo_project": 1, "scenario_lab": 1,
                    "open_source_platform": 0.5, "ai_public_service_platform": 0.5, "foundation_model": 0.3},
    "集成电路产业": {"tape_out": 3, "technical_upgrade": 1, "ic_materials_equipment_rd": 1, "eda_rd": 1,
                     "ic_service_platform": 0.5, "ic_public_platform": 0.3, "major_industrial_project": 0.3},
    "视觉智能产业": {"vision_st_project": 2, "vision_key_tech_project": 2, "vision_new_infrastructure": 1},
    "数实融合": {"technical_upgrade": 4, "sme_digital_project": 2, "smart_manufacturing_demo": 1},
    "数字消费": {"brand_flagship_store": 2, "ecommerce_new_brand": 2, "supply_chain_center": 1,
                 "ecommerce_software_system": 1, "new_industrial_belt": 0.5, "immersive_consumption_scene": 0.5},
    "数字文创": {"animation_game_key_project": 2, "ip_fusion_project": 1.5, "immersive_consumption_scene": 0.5},
    "数字金融": {"financial_reform_pilot": 2, "overseas_payment_licence": 0.5, "mobile_app": 0.5},
    "场景应用开放": {"scenario_opening_project": 3, "scenario_lab": 1},
    "数字乡村": {"scenario_opening_project": 1, "mobile_app": 1},
    "数据要素激活": {"scenario_opening_project": 1, "mobile_app": 1},
    "数字基建提升": {"scenario_opening_project": 1, "vision_new_infrastructure": 0.5},
}
PROJECT_KIND_BASE = 0.05
#: Projects per enterprise: negative binomial (mean PROJECTS_MEAN, shape PROJECTS_SHAPE: ~30% none),
#: the mean scaled by revenue^PROJECTS_REVENUE_POWER (larger firms run more projects).
PROJECTS_MEAN, PROJECTS_SHAPE, PROJECTS_REVENUE_POWER = 3.0, 0.8, 0.25
#: Titles a project may hold (name, rate by kind).
PROJECT_QUALIFICATIONS = [
    ("首版次软件产品", {"original_software_product": 0.3, "collaborative_software_rd": 0.2}),
    ("工业互联网APP优秀解决方案", {"mobile_app": 0.05}),
    ("网络安全技术应用试点示范项目", {"software_public_platform": 0.05}),
    ("工业互联网平台", {"software_public_platform": 0.05}),
    ("数字化车间", {"technical_upgrade": 0.15}),
    ("智能工厂", {"technical_upgrade": 0.05, "smart_manufacturing_demo": 0.3}),
]
PROJECT_AWARD_RATE = 0.05  # a prior award of one of its kind's incentives
PROJECT_ONLY_RATE = 0.10  # restricted to one incentive of its kind (`incentives`)
PROJECT_EMPTY_RATE = 0.10  # a metric cell left empty


def _project_thresholds(rules) -> dict[tuple[str, str], list[float]]:
    """(kind, field) -> the thresholds the per-project rules state on it (canonical units)."""
    out: dict[tuple[str, str], set[float]] = {}
    for inc in rules.incentives:
        if not inc.per_project:
            continue
        for c in inc.criteria:
            if c.stated and c.metric and c.metric.startswith("project.") and not isinstance(c.value, bool):
                out.setdefault((inc.project_kind, c.metric.split(".", 1)[1]), set()).add(float(c.value))
        for t in inc.tiers:
            if t.min is not None and inc.tier_metric and inc.tier_metric.startswith("project."):
                out.setdefault((inc.project_kind, inc.tier_metric.split(".", 1)[1]), set()).add(float(t.min))
    return {k: sorted(v) for k, v in out.items()}


def _texts(n: int, rows: np.ndarray, texts) -> np.ndarray:
    out = np.full(n, None, dtype=object)
    out[rows] = texts
    return out


def generate_projects(register: pa.Table, seed: int = 20250630, as_of: date = date(2025, 6, 30),
                      edges: float = 0.0, rules=None) -> pa.Table:
    """A projects table (docs/register.md) for the enterprises of `register`, reproducible from `seed`.

    About PROJECTS_MEAN projects per enterprise (negative binomial: many have none, a few have
    many), kinds weighted by the enterprise's first industry (PROJECT_KIND_WEIGHTS); each
    kind's metrics (data/metrics.yaml project_kinds) log-normal around the thresholds the rules
    state on them (half above, half below; `edges`: that share exactly on one), else around a
    generic scale, PROJECT_EMPTY_RATE of cells empty; yes/no metrics 60% yes. Some projects
    hold a title (PROJECT_QUALIFICATIONS), some got one of their kind's awards already
    (PROJECT_AWARD_RATE, in one of the five years up to as-of's), some are restricted to one
    of their kind's incentives (PROJECT_ONLY_RATE). No threshold is written here.
    """
    from policykg.rules.incentives import load_rules

    rules = rules or load_rules()
    rng = np.random.default_rng([seed, zlib.crc32(b"projects")])
    n = register.num_rows
    ids = register.column("id").combine_chunks()
    # projects per enterprise
    scale = np.ones(n)
    if "revenue[万元]" in register.column_names:
        revenue = register.column("revenue[万元]").to_numpy(zero_copy_only=False).astype(float)
        median = np.nanmedian(revenue) if np.isfinite(revenue).any() else 1.0
        scale = np.clip(np.nan_to_num((revenue / median) ** PROJECTS_REVENUE_POWER, nan=1.0), 0.3, 3.0)
    mean = PROJECTS_MEAN * scale / scale.mean() if n else scale
    counts = np.minimum(rng.negative_binomial(PROJECTS_SHAPE, PROJECTS_SHAPE / (PROJECTS_SHAPE + mean)), 60)
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    seq = np.arange(m) - np.repeat(np.cumsum(counts) - counts, counts) + 1  # 1.. within the enterprise
    # kinds by the enterprise's first industry
    kinds = list(rules.project_kinds)
    first = np.full(n, None, dtype=object)
    if "industries" in register.column_names:
        lists = pc.split_pattern(register.column("industries").combine_chunks().cast(pa.string()), ";")
        first = np.array(pc.list_element(pc.fill_null(lists, pa.scalar([""], lists.type)), 0).to_pylist(),
                         dtype=object)
    kind = np.zeros(m, dtype=np.int64)
    groups = {name for name in first if name}
    for name in sorted(groups) + [None]:
        rows = np.flatnonzero((first[owner] == name) if name else ~np.isin(first[owner], sorted(groups)))
        w = np.array([PROJECT_KIND_BASE + PROJECT_KIND_WEIGHTS.get(name or "", {}).get(k, 0.0) for k in kinds])
        kind[rows] = rng.choice(len(kinds), size=len(rows), p=w / w.sum())
    kind_names = np.array(kinds, dtype=object)
    labels = np.array([rules.project_kinds[k].label for k in kinds], dtype=object)
    cols: dict[str, pa.Array] = {
        "enterprise_id": ids.take(pa.array(owner, pa.int64())),
        "name": pc.binary_join_element_wise(pa.array(labels[kind], pa.string()),
                                            pc.cast(pa.array(seq), pa.string()), "-"),
        "kind": pa.array(kind_names[kind], pa.string()),
    }
    # metrics of each kind's fields
    thresholds = _project_thresholds(rules)
    for key, metric in rules.metrics.items():
        if metric.scope != "project":
            continue
        field = metric.field
        has = np.array([key in rules.project_kinds[k].metrics for k in kinds])[kind]
        if not has.any():
            continue
        dim = metric.dimension
        frng = np.random.default_rng([seed, zlib.crc32(f"project:{field}".encode())])
        given = has & (frng.random(m) >= PROJECT_EMPTY_RATE)
        if dim == "flag":
            cols[field] = _blank(frng.random(m) < 0.6, given)
            continue
        centre = np.full(m, {"money": 500.0, "count": 50.0, "parameters": 100.0}.get(dim, 10.0))
        for k, name in enumerate(kinds):
            points = thresholds.get((name, field))
            rows = np.flatnonzero(kind == k)
            if points and len(rows):
                centre[rows] = np.array(points)[frng.integers(0, len(points), len(rows))]
        if dim == "percent":
            values = np.round(frng.normal(centre, np.maximum(np.abs(centre), 10.0)), 2)
        else:
            values = np.exp(frng.normal(np.log(centre), 0.8))
            values = np.round(values) if dim == "count" else np.round(values, 2)
        on_edge = (frng.random(m) < edges) & np.isin(kind, [k for k, name in enumerate(kinds)
                                                              if (name, field) in thresholds])
        values = np.where(on_edge, centre, values)
        unit = next(iter(rules.units[dim]))
        header = field if dim == "count" else f"{field}[{unit}]"
        cols[header] = _blank(values, given)
    # qualifications held by projects
    year = as_of.year
    start = np.datetime64(date(year - 6, 1, 1))
    span = (np.datetime64(as_of) - start).astype(int)
    qual_parts = []
    for qname, rates in PROJECT_QUALIFICATIONS:
        if qname not in rules.qualifications:
            continue
        rate = np.array([rates.get(k, 0.0) for k in kinds])[kind]
        rows = np.flatnonzero(rng.random(m) < rate)
        if not len(rows):
            continue
        levels = rules.qualifications[qname].levels
        lv = np.array(levels, dtype=object)[rng.integers(0, len(levels), len(rows))] if levels else None
        dates = np.datetime_as_string(start + rng.integers(0, span + 1, len(rows)).astype("timedelta64[D]"), unit="D")
        undated = rng.random(len(rows)) < 0.05
        texts = [qname + (f"@{lv[j]}" if lv is not None else "") + ("" if undated[j] else f":{dates[j]}")
                 for j in range(len(rows))]
        qual_parts.append(_texts(m, rows, texts))
    cols["qualifications"] = _join(qual_parts, m)
    # restricted to one incentive of the kind; prior awards for the project
    of_kind: dict[int, list] = {k: [inc for inc in rules.incentives if inc.project_kind == name]
                                for k, name in enumerate(kinds)}
    only = np.full(m, None, dtype=object)
    award = np.full(m, None, dtype=object)
    for k, incs in of_kind.items():
        rows = np.flatnonzero(kind == k)
        if not incs or not len(rows):
            continue
        pick = rows[rng.random(len(rows)) < PROJECT_ONLY_RATE]
        only[pick] = np.array([inc.id for inc in incs], dtype=object)[rng.integers(0, len(incs), len(pick))]
        paid = [inc for inc in incs if inc.max_amount_wan is not None]
        got = rows[rng.random(len(rows)) < PROJECT_AWARD_RATE] if paid else rows[:0]
        which = rng.integers(0, max(len(paid), 1), len(got))
        years = rng.integers(year - 4, year + 1, len(got))
        amounts = np.round(rng.uniform(0, 1, len(got)) * np.array([paid[w].max_amount_wan for w in which]), 2) \
            if len(got) else []
        award[got] = [f"{paid[w].id}@{y}:{a:g}" for w, y, a in zip(which, years, amounts)]
    cols["incentives"] = pa.array(only, pa.string())
    cols["awards"] = pa.array(award, pa.string())
    return pa.table(cols)


def write_register(table: pa.Table, path: str | Path) -> Path:
    """Write a register as .csv or .parquet (by the suffix)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
    else:
        import pyarrow.parquet as pq

        pq.write_table(table, path, row_group_size=131_072)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of enterprises")
    ap.add_argument("-o", "--output", required=True, help="register to write (.csv or .parquet)")
    ap.add_argument("--seed", type=int, default=20250630)
    ap.add_argument("--as-of", default="2025-06-30", help="the day the register describes (dates are before it)")
    ap.add_argument("--edges", type=float, default=0.0, help="share of rows put exactly on thresholds")
    ap.add_argument("--projects", metavar="OUT", default=None,
                    help="also write a projects table for these enterprises (.csv or .parquet)")
    args = ap.parse_args(argv)
    day = date.fromisoformat(args.as_of)
    table = generate_register(args.n, args.seed, day, args.edges)
    write_register(table, args.output)
    print(f"wrote {table.num_rows} enterprises to {args.output}", file=sys.stderr)
    if args.projects:
        projects = generate_projects(table, args.seed, day, args.edges)
        write_register(projects, args.projects)
        print(f"wrote {projects.num_rows} projects to {args.projects}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
