"""`policykg profile new`: a commented profile template, generated from the rules' vocabulary.

Every field the rules can ask for is in it -- the enterprise metrics of data/metrics.yaml
(with their units), the qualifications of data/qualifications.yaml (with their levels),
awards already received and the project kinds with their metrics -- so nobody writes a
profile from the docs. Only `name` and the structure are live YAML; each field is a
commented line to fill in and uncomment, so the template itself is a valid profile.
"""

from __future__ import annotations

from datetime import date

from policykg.graph.load import load_graph
from policykg.graph.model import nodes_with_label
from policykg.rules.incentives import Rules, load_rules

DIMENSION_ZH = {"money": "金额", "percent": "百分比", "count": "数量", "rank": "名次（1 为最好）",
                "rating": "星级", "parameters": "参数量", "flag": "是/否", "area": "面积", "year": "年份"}
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
#: A value of each dimension that reads naturally and parses (units from data/metrics.yaml).
_EXAMPLE = {"percent": "0%", "rank": "TOP10", "flag": "false", "year": "2024"}


def _example(rules: Rules, dimension: str) -> str:
    if dimension in _EXAMPLE:
        return _EXAMPLE[dimension]
    unit = rules.canonical_unit(dimension) or ""
    return f"0{unit}"


def _units(rules: Rules, dimension: str) -> str:
    if dimension == "flag":
        return "true 或 false"
    units = list(rules.units.get(dimension) or {})
    return "单位：" + "、".join(units) if units else ""


def _comment(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def profile_template(rules: Rules, industries: list[str], today: date) -> str:
    """The template's text (UTF-8 YAML with Chinese comments)."""
    out: list[str] = [
        "# 企业画像（policykg profile new 生成；字段来自 data/metrics.yaml 与 data/qualifications.yaml）",
        "# 用法：填写企业名称，把适用的行去掉开头的“# ”并改成实际数值，然后运行：",
        "#   policykg eligible 本文件.yaml",
        "# 不知道的数值保持注释即可：需要它的奖励会列为“缺资料”并写明要补哪一项。",
        "# 金额可写 12亿元、3000万元；百分比写 33.3%；是/否写 true 或 false；日期写 YYYY-MM-DD。",
        "",
        f"# as_of: {today.isoformat()}          # 评估日期：按这一天判断政策是否有效；不写为当天（--as-of 优先）",
        "name: 某某科技有限公司              # 企业名称（必填）",
        "industries:                         # 所属产业（编制中的产业章节），可填多个：",
    ]
    out += [f"  # - {name}" for name in industries]
    out += ["", "metrics:                            # 企业指标（不适用的保持注释）"]
    enterprise = [m for m in rules.metrics.values() if m.scope == "enterprise"]
    width = max(len(m.key) for m in enterprise) + len(": ") + 8
    for m in enterprise:
        value = f"{m.key}: {_example(rules, m.dimension)}"
        derived = (f"可省略：由 {'、'.join(m.computed_from)} 推算" if m.computed_from else "")
        out.append(f"  # {value.ljust(width)} # " + _comment(m.label, DIMENSION_ZH.get(m.dimension, m.dimension),
                                                            _units(rules, m.dimension), derived))
    out += ["", "qualifications:                     # 已获资质、称号：名称、级别、取得日期（首次类奖励要看日期）"]
    for q in rules.qualifications.values():
        levels = "、".join(f"{lv}（{LEVEL_ZH.get(lv, lv)}）" for lv in q.levels)
        entry = f"{{name: {q.name}" + (f", level: {q.levels[0]}" if q.levels else "") + f", date: {today.isoformat()}}}"
        out.append(f"  # - {entry}   # " + _comment(q.label, f"级别：{levels}" if levels else "无级别",
                                                    f"别名：{'、'.join(q.aliases)}" if q.aliases else ""))
    out += [
        "",
        "awards:                             # 已获奖励：用于差额、首次、不重复享受与上限（编号见 policykg eligible）",
        '  # - {incentive: "1.1", year: 2023, amount: 50万元}        # 奖励编号加引号；分档奖励可加 level: 档次名称',
        '  # - {incentive: "31.3", year: 2024, amount: 60万元, project: 项目名称}',
        "",
        "projects:                           # 按项目、产品、平台、APP 计的奖励：每个项目一项，名称不重复",
    ]
    for kind in rules.project_kinds.values():
        metrics = [rules.metrics[k] for k in kind.metrics]
        fields = ", ".join(f"{m.field}: {_example(rules, m.dimension)}" for m in metrics)
        out.append(f"  # - {{kind: {kind.key}, name: 项目名称, metrics: {{{fields}}}}}   # "
                   + _comment(kind.label, *(f"{m.field} {m.label}（{_units(rules, m.dimension)}）" for m in metrics)))
    return "\n".join(out) + "\n"


def json_template() -> str:
    """The template as JSON (``profile new -o firm.json``). JSON has no comments to offer the
    fields in, so it is the valid empty profile with every section present; the fields are the
    YAML template's (``-o firm.yaml``) and docs/profile.md's."""
    import json

    doc = {"name": "某某科技有限公司", "industries": [], "metrics": {}, "qualifications": [], "awards": [],
           "projects": []}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def new_profile(today: date | None = None, fmt: str = "yaml") -> str:
    """The template for the bundled rules and the bundled compilation's industry sections.

    `fmt`: "yaml" (commented, every field offered) or "json" (the empty valid profile)."""
    if fmt == "json":
        return json_template()
    graph = load_graph(rules=False)
    industries = [p["name"] for _, p in sorted(nodes_with_label(graph, "Industry"), key=lambda x: x[1].get("number") or 0)]
    return profile_template(load_rules(), industries, today or date.today())
