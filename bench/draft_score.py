"""Per-award scoring of drafted rules against hand gold (issue #18, "Measure"): the library of bench_draft.py.

Both sides are reduced to one summary per award:

- **facts**: the numbers a reader pays by, each with its role: ``amount`` (a fixed amount, an "up to"
  amount, a level's amount, a per-unit amount; 万元), ``level`` (a level's threshold, canonical in its
  dimension: 万元, %, the count as written; a band's top too), ``rate`` (% or ‰ as a percent; a level's,
  a phase's, an option's), ``cap`` (an amount cap in 万元, or a share cap's percent);
- **structure**: basis, the number of levels, recipient, frequency, first_time, selection, and the metric
  phrases the criteria, levels and rate bases measure;
- **conditions**: the gold's short conditions, each looked for in the quotes of the draft's criteria,
  qualifications and alternatives (a condition only in the incentive's sentence, not in a criterion, is
  lost: the engine would not check it).

Alignment: each drafted incentive goes to the gold award of its article whose quotes (award, more_quotes,
caps, criteria) overlap its own quotes most; a gold award may so receive several drafts (a run of levels
drafted as separate awards), a draft none (an extra).

Per gold award: **numbers right** (the facts of its drafts equal its own), **right** (numbers, structure
and conditions right, drafted as exactly one incentive), **usable as drafted** (right and no review line),
**silent wrong** (drafted, not right, and some draft of it carries no review line). An extra draft with
no review line is counted apart (``extra_silent``). Review questions (one per "；"-separated part) are
classified by their leading field tag (频次：, 指标：, …) and counted **plainly answered** when the gold
reads that field straight from the sentence (rules in `plainly_answered`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

MONEY = {"万元": 1, "亿元": 10000, "元": 0.0001, "千元": 0.1}
FOREIGN = {"万美元": 1, "亿美元": 10000, "美元": 0.0001, "万港元": 1, "亿港元": 10000, "万欧元": 1}
PER_UNIT_WAN = {"元": 0.0001, "万元": 1, "亿元": 10000, "千元": 0.1}


def _r(v) -> float:
    return round(float(v), 6)


def canon(value, unit) -> float:
    if unit in MONEY:
        return _r(float(value) * MONEY[unit])
    if unit in FOREIGN:
        return _r(float(value) * FOREIGN[unit])
    if unit in ("万平方米",):
        return _r(float(value) * 10000)
    if unit in ("万TEU", "万标箱"):
        return _r(float(value) * 10000)
    if unit in ("亿",):
        return _r(float(value) * 10000)
    return _r(value)


def norm(s: str) -> str:
    s = s.replace("（", "(").replace("）", ")").replace("，", ",").replace("；", ";").replace("：", ":")
    return re.sub(r"\s+", "", s)


def cjk(s: str) -> set[str]:
    return {c for c in s if "\u4e00" <= c <= "\u9fff" or c.isalnum()}


def similar(a: str, b: str) -> bool:
    """Two metric phrases name the same quantity (containment, or most characters shared)."""
    a, b = norm(a or ""), norm(b or "")
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    A, B = cjk(a), cjk(b)
    return len(A & B) / max(1, min(len(A), len(B))) >= 0.75


@dataclass
class Summary:
    facts: Counter = field(default_factory=Counter)
    basis: str | None = None
    levels: int = 0
    recipient: str | None = None
    frequency: str | None = None
    first_time: bool = False
    selection: bool = False
    metrics: list = field(default_factory=list)  # phrases (gold) or labels (draft)
    conditions: list = field(default_factory=list)  # gold: condition phrases; draft: condition quotes
    quotes: list = field(default_factory=list)
    review: list = field(default_factory=list)


# ----------------------------------------------------------------- gold (bench/gold format)


def gold_summary(a: dict) -> Summary:
    s = Summary(basis=a.get("basis"), recipient=a.get("recipient"), frequency=a.get("frequency"),
                first_time=bool(a.get("first_time")), selection=bool(a.get("selection")))
    f = s.facts

    def rate(r):
        if not r:
            return
        if r.get("percent") is not None:
            f[("rate", _r(r["percent"]))] += 1
        if r.get("permille") is not None:
            f[("rate", _r(r["permille"] / 10))] += 1
        for ph in r.get("phases") or []:
            f[("rate", _r(ph["percent"]))] += 1
        for op in r.get("options") or []:
            f[("rate", _r(op["percent"]))] += 1
        if r.get("base"):
            s.metrics.append(r["base"])

    for key in ("amount_wan", "up_to_wan"):
        if a.get(key) is not None:
            f[("amount", _r(a[key]))] += 1
    for lv in a.get("levels") or []:
        s.levels += 1
        for key in ("amount_wan", "up_to_wan"):
            if lv.get(key) is not None:
                f[("amount", _r(lv[key]))] += 1
        if lv.get("value") is not None:
            f[("level", canon(lv["value"], lv.get("unit")))] += 1
        if lv.get("upper") is not None:
            f[("level", canon(lv["upper"], lv.get("unit")))] += 1
        if lv.get("cap_wan") is not None:
            f[("cap", _r(lv["cap_wan"]))] += 1
        rate(lv.get("rate"))
        if lv.get("metric"):
            s.metrics.append(lv["metric"])
    rate(a.get("rate"))
    for pu in a.get("per_unit") or []:
        f[("amount", _r(pu["amount_wan"]))] += 1
        if pu.get("metric"):
            s.metrics.append(pu["metric"])
    for c in a.get("caps") or []:
        if c.get("amount_wan") is not None:
            f[("cap", _r(c["amount_wan"]))] += 1
        if c.get("share"):
            f[("cap", _r(c["share"]["percent"]))] += 1
    for c in a.get("criteria") or []:
        if c.get("metric"):
            s.metrics.append(c["metric"])
        s.conditions.append(c.get("quote") or c.get("metric"))
    for alt in a.get("alternatives") or []:
        for c in alt.get("criteria") or []:
            s.conditions.append(c.get("quote") or c.get("metric"))
        s.conditions += list(alt.get("conditions") or [])
    s.conditions += [c for c in a.get("conditions") or [] if not re.search(r"基础上|同时享受", c)]
    s.quotes = [a["quote"], *(a.get("more_quotes") or [])]
    return s


def gold_spans(a: dict) -> list[str]:
    if "_rules" in a:
        return draft_spans(a["_rules"])
    out = [a["quote"], *(a.get("more_quotes") or [])]
    out += [c["quote"] for c in a.get("caps") or [] if c.get("quote")]
    out += [c["quote"] for c in a.get("criteria") or [] if c.get("quote")]
    return out


# ----------------------------------------------------------------- drafts (docs/rules.md format)

RECIPIENT = {"enterprise": "enterprise", "institution": "enterprise", "project": "project", "product": "project",
             "platform": "project", "app": "project", "licence": "project", "person": "person",
             "intermediary": "intermediary"}


def draft_summary(incs: list[dict], labels: dict[str, str]) -> Summary:
    """One summary of the drafted incentive(s) aligned to one award (their facts added up)."""
    s = Summary()
    f = s.facts
    for inc in incs:
        s.basis = inc.get("basis") if s.basis is None else s.basis
        s.recipient = RECIPIENT.get(inc.get("recipient"), inc.get("recipient"))
        s.frequency = inc.get("frequency", "per_award")
        s.first_time = s.first_time or bool(inc.get("first_time"))
        s.selection = s.selection or bool(inc.get("selection"))
        if inc.get("basis") == "fixed" and inc.get("amount_wan") is not None:
            f[("amount", _r(inc["amount_wan"]))] += 1
        for t in inc.get("tiers") or []:
            s.levels += 1
            if t.get("amount_wan") is not None:
                f[("amount", _r(t["amount_wan"]))] += 1
            if t.get("rate_percent") is not None:
                f[("rate", _r(t["rate_percent"]))] += 1
            if t.get("rate_permille") is not None:
                f[("rate", _r(t["rate_permille"] / 10))] += 1
            for k in ("min", "max"):
                if t.get(k) is not None:
                    f[("level", canon(t[k], t.get("unit")))] += 1
            if t.get("cap_wan") is not None:
                f[("cap", _r(t["cap_wan"]))] += 1
            for c in t.get("criteria") or []:
                s.conditions.append(c.get("quote") or "")
        if inc.get("tier_metric"):
            s.metrics.append(labels.get(inc["tier_metric"], inc["tier_metric"]))
        if inc.get("basis") in ("rate", "matching"):
            if inc.get("rate_percent") is not None:
                f[("rate", _r(inc["rate_percent"]))] += 1
            if inc.get("rate_permille") is not None:
                f[("rate", _r(inc["rate_permille"] / 10))] += 1
        if inc.get("rate_base"):
            s.metrics.append(labels.get(inc["rate_base"], inc["rate_base"]))
        for p in inc.get("phases") or []:
            if p.get("rate_percent") is not None:
                f[("rate", _r(p["rate_percent"]))] += 1
        pu = inc.get("per_unit")
        if pu:
            for u in pu if isinstance(pu, list) else [pu]:
                f[("amount", _r(float(u["amount"]) * PER_UNIT_WAN.get(u.get("unit"), 1)))] += 1
                if u.get("metric"):
                    s.metrics.append(labels.get(u["metric"], u["metric"]))
        if inc.get("cap_wan") is not None:
            f[("cap", _r(inc["cap_wan"]))] += 1
        for lim in inc.get("limits") or []:
            if lim.get("amount_wan") is not None:
                f[("cap", _r(lim["amount_wan"]))] += 1
            if lim.get("share_percent") is not None:
                f[("cap", _r(lim["share_percent"]))] += 1
            elif lim.get("share_of"):  # 不超过企业实际支出: the whole figure
                f[("cap", 100.0)] += 1
        for c in inc.get("criteria") or []:
            if c.get("metric"):
                s.metrics.append(labels.get(c["metric"], c["metric"]))
            s.conditions.append(c.get("quote") or "")
        for q in inc.get("qualifications") or []:
            s.conditions.append(q.get("quote") or q.get("name") or "")
        for alt in inc.get("alternatives") or []:
            s.conditions.append(alt.get("quote") or "")
            for c in alt.get("criteria") or []:
                s.conditions.append(c.get("quote") or "")
                if c.get("metric"):
                    s.metrics.append(labels.get(c["metric"], c["metric"]))
            for q in alt.get("qualifications") or []:
                s.conditions.append(q.get("quote") or "")
        if inc.get("industries"):
            s.conditions += list(inc["industries"])
        if inc.get("selection"):
            s.conditions.append(inc["selection"].get("quote") or "")
        if inc.get("phase_start"):  # 自落户当年起: the engine checks the year it counts from (missing_data, past the years)
            s.conditions.append((inc.get("quotes") or {}).get("phase_start") or "")
        s.quotes.append(inc.get("quote") or "")
        if inc.get("review"):
            s.review += [q.strip() for q in re.split(r"[；;]\s*", str(inc["review"])) if q.strip()]
    return s


def draft_spans(inc: dict) -> list[str]:
    out = [inc.get("quote") or ""]
    out += [v for v in (inc.get("quotes") or {}).values() if isinstance(v, str)]
    return out


# ----------------------------------------------------------------- comparing


def basis_ok(g: Summary, d: Summary) -> bool:
    if g.basis == d.basis:
        return True
    if g.basis == "unspecified" and d.basis in ("unspecified", "defers_to"):
        return True
    if g.basis == "rate" and d.basis == "matching":
        return True
    return False


def frequency_ok(g: Summary, d: Summary) -> bool:
    if g.frequency == "unknown":
        return d.frequency in ("per_award", None)
    if g.frequency == "per_item":
        return d.frequency in ("per_award", None) or d.basis == "per_unit"
    return g.frequency == d.frequency


def condition_covered(cond: str, quotes: list[str]) -> bool:
    c = cjk(norm(cond))
    if not c:
        return True
    allq = cjk(norm("".join(quotes)))
    return len(c & allq) / len(c) >= 0.6


def metrics_ok(g: Summary, d: Summary) -> bool:
    return all(any(similar(m, x) for x in d.metrics) for m in g.metrics)


def problems(g: Summary, d: Summary, n_drafts: int, exact_frequency: bool = False) -> list[str]:
    out = []
    if g.facts != d.facts:
        out.append(f"numbers: missing {sorted(g.facts - d.facts)} extra {sorted(d.facts - g.facts)}")
    if n_drafts != 1:
        out.append(f"drafted as {n_drafts} incentives")
    if not basis_ok(g, d):
        out.append(f"basis {d.basis} (gold {g.basis})")
    if g.levels != d.levels and g.basis == "tiers":
        out.append(f"{d.levels} levels (gold {g.levels})")
    if g.recipient != d.recipient:
        out.append(f"recipient {d.recipient} (gold {g.recipient})")
    if not (g.frequency == d.frequency if exact_frequency else frequency_ok(g, d)):
        out.append(f"frequency {d.frequency} (gold {g.frequency})")
    if g.first_time != d.first_time:
        out.append(f"first_time {d.first_time} (gold {g.first_time})")
    if g.selection != d.selection:
        out.append(f"selection {d.selection} (gold {g.selection})")
    if not metrics_ok(g, d):
        out.append(f"metrics {d.metrics} (gold {g.metrics})")
    lost = [c for c in g.conditions if not condition_covered(c, d.conditions)]
    if lost:
        out.append(f"conditions not checked: {lost}")
    return out


TAGS = {"频次": "frequency", "指标": "metric", "金额": "amount", "档次": "tiers", "上限": "cap",
        "对象": "recipient", "条件": "condition", "评定": "selection", "首次": "first_time", "币种": "currency",
        "期限": "years", "比例": "rate", "依据": "defers_to", "拆分": "split"}
_EN = [("frequency", "frequency"), ("metric", "metric"), ("recipient", "recipient"), ("project", "recipient"),
       ("condition", "condition"), ("amount", "amount"), ("tier", "tiers"), ("cap", "cap"), ("title", "condition"),
       ("currency", "currency"), ("defer", "defers_to"), ("policy", "defers_to"), ("rate", "rate")]


def review_field(q: str) -> str:
    m = re.match(r"([\u4e00-\u9fff]{2})[：:]", q)
    if m and m.group(1) in TAGS:
        return TAGS[m.group(1)]
    low = q.lower()
    for word, fld in _EN:
        if word in low:
            return fld
    return "other"


def plainly_answered(fld: str, gold: dict | None) -> bool:
    """Whether the gold award reads the field a review question asks about straight from its sentence.

    A question on an extra draft (no gold award) is not counted as plain. frequency: plain unless the gold
    says unknown; metric: plain when every gold metric phrase is written in the award's quotes; cap: plain
    unless the cap's scope is unknown or shared with other awards; tiers (a merged run), currency, years,
    split: never plain (each is a real choice or a guess worth flagging); recipient: plain for an enterprise;
    condition: plain when the gold lists conditions; amount: plain unless the amount is not stated; the rest:
    plain.
    """
    if gold is None:
        return False
    text = norm("".join([gold["quote"], *(gold.get("more_quotes") or [])]))
    if fld == "frequency":
        return gold.get("frequency") not in ("unknown", None)
    if fld == "metric":
        ms = gold_summary(gold).metrics
        return bool(ms) and all(norm(m) in text for m in ms)
    if fld == "cap":
        caps = gold.get("caps") or []
        return bool(caps) and all(c.get("scope") != "unknown" and c.get("applies_to") == "this_award" for c in caps)
    if fld in ("tiers", "currency", "years", "split"):
        return False
    if fld == "recipient":
        return gold.get("recipient") == "enterprise"
    if fld == "condition":
        return bool(gold.get("conditions") or gold.get("criteria"))
    if fld == "amount":
        return gold.get("basis") != "unspecified"
    if fld == "selection":
        return bool(re.search(r"经评定|评定|择优|评审|评选", text)) == bool(gold.get("selection"))
    if fld == "defers_to":
        return not gold.get("defers_to")
    return True


def _spans(text: str, quotes: list[str], nth: int = 1, taken: list | None = None) -> list[tuple[int, int]]:
    """Where the quotes are in the article's text. A quote written twice in the article (the same sentence under
    two items) is placed at its `nth` occurrence for the first quote (a gold award's ``occurrence``), or, for a
    draft, at the first occurrence no earlier draft's own quote took (`taken`), so two drafts of one repeated
    sentence go to the two awards."""
    out = []
    for k, q in enumerate(quotes):
        q = norm(q).rstrip("。;")
        if not q:
            continue
        found = [m.start() for m in re.finditer(re.escape(q), text)]
        if not found:
            continue
        i = found[0]
        if k == 0 and nth > 1:
            i = found[min(nth, len(found)) - 1]
        elif k == 0 and taken is not None:
            i = next((f for f in found if not any(a <= f < b for a, b in taken)), found[0])
            taken.append((i, i + len(q)))
        elif out:  # the award's other quotes: the occurrence nearest its own quote
            i = min(found, key=lambda f: abs(f - out[0][0]))
        out.append((i, i + len(q)))
    return out


def _overlap(a: list, b: list) -> int:
    return sum(max(0, min(x[1], y[1]) - max(x[0], y[0])) for x in a for y in b)


def rules_as_gold(inc: dict) -> dict:
    """A hand-written incentive (docs/rules.md format, data/incentives.yaml) as a gold award: its article is its
    provision, its summary is read like a draft's (`draft_summary`), flagged by ``_rules``."""
    return {"id": inc["id"], "article": inc["provision"], "quote": inc["quote"], "_rules": inc}


def plainly_answered_rules(fld: str, inc: dict) -> bool:
    if fld == "frequency":
        return inc.get("frequency", "per_award") != "per_award"
    if fld in ("tiers", "currency", "years", "split"):
        return False
    if fld == "amount":
        return inc.get("basis") not in ("unspecified", "defers_to", "non_monetary")
    if fld == "recipient":
        return inc.get("recipient", "enterprise") == "enterprise"
    return True


def score_document(gold_awards: list[dict], drafts: list[dict], article_text: dict[int, str],
                   article_of: dict[str, int], labels: dict[str, str]) -> dict:
    """Scores of one document: counts, the per-award verdicts, extras."""
    texts = {k: norm(v) for k, v in article_text.items()}
    assigned: dict[int, list[dict]] = {i: [] for i in range(len(gold_awards))}
    extras = []
    taken: dict[int, list] = {}
    for d in drafts:
        art = article_of[d["id"]]
        t = texts.get(art, "")
        ds = _spans(t, draft_spans(d), taken=taken.setdefault(art, []))
        best, score = None, 0
        for i, g in enumerate(gold_awards):
            if g["article"] != art:
                continue
            ov = _overlap(ds, _spans(t, gold_spans(g), nth=int(g.get("occurrence") or 1)))
            # a tie (gold awards of one sentence, 分别 over three titles): the first not yet given a draft,
            # so drafts in order meet awards in order
            if ov > score or ov == score and ov > 0 and assigned[best] and not assigned[i]:
                best, score = i, ov
        if best is None:
            extras.append(d)
        else:
            assigned[best].append(d)
    rows = []
    n = Counter()
    questions = []
    for i, g in enumerate(gold_awards):
        ds = assigned[i]
        rules = g.get("_rules")
        gs = draft_summary([rules], labels) if rules else gold_summary(g)
        if rules:
            gs.review = []
            # the compilation's industries come from its section headings, not from the sentence drafted
            gs.conditions = [c for c in gs.conditions if c not in (rules.get("industries") or [])]
        dsum = draft_summary(ds, labels)
        if rules and ds:  # both sides in the rules format: the frequencies compare as written
            gs.frequency = "yearly" if gs.frequency == "yearly" else gs.frequency
        probs = problems(gs, dsum, len(ds), exact_frequency=bool(rules)) if ds else ["not drafted"]
        numbers = bool(ds) and gs.facts == dsum.facts
        right = bool(ds) and not probs
        flagged = bool(ds) and all(d.get("review") for d in ds)
        usable = right and not any(d.get("review") for d in ds)
        silent = bool(ds) and not right and not flagged
        n["awards"] += 1
        n["numbers_right"] += numbers
        n["usable"] += usable
        n["silent_wrong"] += silent
        n["not_drafted"] += not ds
        for q in dsum.review:
            fld = review_field(q)
            plain = plainly_answered_rules(fld, rules) if rules else plainly_answered(fld, g)
            questions.append((g["id"], fld, plain, q))
        rows.append(dict(id=g["id"], drafts=[d["id"] for d in ds], numbers=numbers, usable=usable,
                         silent=silent, problems=probs))
    for d in extras:
        for q in draft_summary([d], labels).review:
            questions.append((None, review_field(q), False, q))
    n["extra"] = len(extras)
    n["extra_silent"] = sum(1 for d in extras if not d.get("review"))
    n["questions"] = len(questions)
    n["plain"] = sum(1 for q in questions if q[2])
    n["drafted"] = len(drafts)
    return dict(counts=n, rows=rows, extras=[d["id"] for d in extras], questions=questions)
