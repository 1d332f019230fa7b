"""Draft a rules file from a policy text: rules and patterns, every value with its quote.

`draft_provision` reads one provision's *repaired* text and proposes its incentives in
the format of docs/rules.md: fixed amounts, 分别 lists paired with their levels (tiers),
rates with their bases, caps (最高/不超过/上限; per item, per year, in total), thresholds
with the operator shared/glossary.md gives (以上 ≥, 超过 >, 不低于 ≥, (含)), 一次性/每年/
最长N年, 首次, qualifications (认定/评为/入选), selection (择优, 每年不超过N个), references
(按…执行) and currencies. What it cannot decide it writes as a candidate with
``review: <what to decide>``.

The one promise: a number in a draft is always in its quote. Every numeric field carries
the span it was read from (``quotes:`` for the incentive's own fields, ``quote`` on a
criterion, limit or selection), and `numbers_outside_quotes` proves it before anything is
written; a violation is a bug in this module and raises `DraftInvariantError`.

No network and no model: regular expressions over the text, and the project's own
vocabulary (data/metrics.yaml labels, data/qualifications.yaml names) to name metrics and
titles.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from policykg.errors import OutputError
from policykg.loaders.yamlio import load_yaml
from policykg.output import write_output
from policykg.paths import DATA_DIR
from policykg.rules.documents import DocumentText, ProvisionText, read_document


# --------------------------------------------------------------------------- numbers

MONEY_TO_WAN = {"万元": 1, "亿元": 10000, "元": 0.0001, "千元": 0.1}
#: Foreign currencies: kept as written (unit 万美元 ...) and always sent to review.
CURRENCIES = {"美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP"}
_CUR = "|".join(CURRENCIES)
NUM = r"\d+(?:\.\d+)?"
# A number with its unit; 万美元 before 万元 so the longer unit wins.
_QTY_RE = re.compile(
    rf"(?<![\d.A-Za-z])({NUM})\s*(万(?:{_CUR})|亿(?:{_CUR})|(?:{_CUR})|万元|亿元|千元|元|%|‰|家|个|项|名|人次|次|年|倍|万平方米|平方米|台|辆)"
)
#: a matching ratio 1:1 (配套): the second as a percent of the first
_RATIO_RE = re.compile(r"(?<![\d.])([1-9]\d*)\s*[:：∶]\s*([1-9]\d*(?:\.\d+)?)(?![\d.])")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_RE = re.compile(r"([一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])(?=[年个家项名星])")


def _cn_value(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_NUM[a] if a else 1) * 10 + (_CN_NUM[b] if b else 0)
    return _CN_NUM[s]


def _num(s: str) -> int | float:
    v = float(s)
    return int(v) if v.is_integer() else v


def numbers_in(text: str) -> set[float]:
    """Every number the text states, as written and (money) in 万元: the values a field may quote."""
    out: set[float] = set()
    for m in re.finditer(NUM, text):
        out.add(float(m.group(0)))
    for m in _QTY_RE.finditer(text):
        unit = m.group(2)
        if unit in MONEY_TO_WAN:
            out.add(round(float(m.group(1)) * MONEY_TO_WAN[unit], 6))
    for m in _RATIO_RE.finditer(text):  # 1:1 配套: 100%
        out.add(round(float(m.group(2)) / float(m.group(1)) * 100, 6))
    for m in _CN_RE.finditer(text):
        out.add(float(_cn_value(m.group(1))))
    if re.search(r"(?<![\d.一二两三四五六七八九十百])(?:千亿|百亿|万亿)", text):
        out.add(1.0)  # 参数量超过千亿: one 千亿
    return out


class DraftInvariantError(AssertionError):
    """A drafted number is not in its quote: a bug in the drafter, never a user error."""


def numbers_outside_quotes(inc: dict) -> list[str]:
    """Every numeric value of a drafted (or hand-written) incentive that its quote does not state.

    The incentive's own numbers (amount_wan, cap_wan, rate_percent, max_years, tiers) are
    checked against ``quotes[field]`` when given, else the incentive's quote; a criterion's,
    limit's or selection's numbers against their own quote.
    """
    problems: list[str] = []
    quotes = inc.get("quotes") or {}
    own = inc.get("quote") or ""

    def check(value: Any, quote: str, where: str) -> None:
        if value is None or isinstance(value, bool):
            return
        if round(float(value), 6) not in numbers_in(quote):
            problems.append(f"{inc.get('id')}: {where} = {value} is not in its quote {quote!r}")

    for key in ("amount_wan", "cap_wan", "rate_percent", "rate_permille", "max_years", "amount_min_wan"):
        check(inc.get(key), quotes.get(key, own), key)
    pu = inc.get("per_unit")
    if isinstance(pu, dict):
        check(pu.get("amount"), quotes.get("per_unit", own), "per_unit.amount")
        check(pu.get("max_quantity"), quotes.get("per_unit", own), "per_unit.max_quantity")
    for i, t in enumerate(inc.get("tiers") or []):
        tq = t.get("quote") or quotes.get("tiers", own)
        for key in ("min", "max", "amount_wan", "amount_min_wan", "rate_percent", "rate_permille", "quota"):
            check(t.get(key), tq, f"tiers[{i}].{key}")
    for section in ("criteria", "limits"):
        for i, c in enumerate(inc.get(section) or []):
            for key in ("value", "amount_wan", "years"):
                check(c.get(key), c.get("quote", ""), f"{section}[{i}].{key}")
    sel = inc.get("selection")
    if sel:
        check(sel.get("quota"), sel.get("quote", ""), "selection.quota")
    excess = inc.get("rate_base_excess_over_percent_of")
    if excess:
        check(excess.get("percent"), quotes.get("rate_base_excess_over_percent_of", own),
              "rate_base_excess_over_percent_of.percent")
    return problems


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """Names the drafter may use: metric labels and titles (with aliases and levels)."""

    metrics: dict[str, tuple[str, str]]  # key -> (label, dimension)
    qualifications: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # name -> (aliases, levels)
    #: key -> (label, its project metrics' fields), data/metrics.yaml's project_kinds
    project_kinds: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


@lru_cache(maxsize=4)
def default_vocabulary(metrics_path: str | None = None, qualifications_path: str | None = None) -> Vocabulary:
    m = load_yaml(Path(metrics_path or DATA_DIR / "metrics.yaml"))
    metrics: dict[str, tuple[str, str]] = {}
    for section, prefix in (("metrics", ""), ("project_metrics", "project.")):
        for key, v in (m.get(section) or {}).items():
            metrics[prefix + str(key)] = (str(v["label"]), str(v["dimension"]))
    q = load_yaml(Path(qualifications_path or DATA_DIR / "qualifications.yaml"))
    quals = {}
    for name, v in (q.get("qualifications") or {}).items():
        label = re.sub(r"[“”\"(（].*?[)）]|[“”\"]", "", str(v.get("label") or name))
        aliases = tuple(dict.fromkeys([str(name), label, *map(str, v.get("aliases") or [])]))
        quals[str(name)] = (aliases, tuple(v.get("levels") or ()))
    kinds = {str(k): (str(v["label"]), tuple(map(str, v.get("metrics") or ())))
             for k, v in (m.get("project_kinds") or {}).items()}
    return Vocabulary(metrics, quals, kinds)


def _chars(s: str) -> set[str]:
    return {c for c in s if "\u4e00" <= c <= "\u9fff" or c.isalnum()}


def match_metric(phrase: str, vocab: Vocabulary, dimension: str | None) -> tuple[str | None, float]:
    """The metric whose label best matches `phrase` (character overlap), and the score.

    Returns (None, score) when no label scores ≥ 0.6 or two labels tie: the caller marks review.
    """
    p = _chars(phrase)
    if not p:
        return None, 0.0
    scored = []
    for key, (label, dim) in vocab.metrics.items():
        if dimension and dim != dimension:
            continue
        lab = _chars(label)
        score = len(p & lab) / len(p | lab)
        if label in phrase or phrase in label:
            score = max(score, 0.6 + 0.4 * min(len(label), len(phrase)) / max(len(label), len(phrase)))
        scored.append((score, key))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 0.6 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None, scored[0][0] if scored else 0.0
    return scored[0][1], scored[0][0]


# --------------------------------------------------------------------------- provisions


#: The verb that gives the award: the words before it are who qualifies.
_VERB_RE = re.compile(r"(?:该年度)?(?:分阶段|合计|累计|分别|一次性|最高|每年|可|再|额外|均|连续\d+年)*"
                      r"(?:给予|予以|享受|(?<=可)获得(?=最高|不超过|不高于|\d)|奖励\d|补贴\d|补助\d)")
_Q1 = rf"{NUM}\s*(?:万(?:{_CUR})|亿(?:{_CUR})|(?:{_CUR})|万元|亿元|千元|元|%|家|个|项|名|人次|次|年|倍|万平方米|平方米|台|辆|亿|万)"
_READ_RUN_RE = re.compile(rf"[^,，;；]*?{_Q1}(?:[、和及或至到-]{_Q1})*(?:\(含\)|（含）)?(?:及以上|以上|以下|以内)?")
#: Words before the verb that are no condition of their own.
_NOT_CONDITIONS = {"企业", "机构", "单位", "其", "该企业", "同比", "年度", "每年", "当年", "分别", "一次性", "以上",
                   "以下", "相关", "符合条件的企业", "符合条件", "上述企业", "我区", "南沙", "该年度", "分阶段"}
_SENT_RE = re.compile(r"[^。;；\n]+[。;；]?")
AWARD_NOUNS = "奖励|补助|补贴|资助|支持|扶持|保障|配套"
_AWARD_RE = re.compile(rf"(给予|予以|奖励|补助|补贴|资助|可获得(?=最高|不超过|不高于|\d))")
_DEFER_RE = re.compile(r"((?:按照?|参照|依照|根据)[^,，。;；]{0,80}?(?:政策|规定|意见|办法|计划|通知|标准)[^,，。;；]{0,12}?(?:执行|给予[^,，。;；]{0,8}(?:支持|补助|奖励|扶持)|予以支持|予以扶持))")
_UNSPECIFIED_RE = re.compile(
    r"(一定(?:资金|运营)?(?:支持|资助|补助|奖励|比例)|相应(?:奖励|补助|资助|支持)|按规定给予|分类分档|梯度资金|分档给予|"
    r"差额奖励|给予资助|予以资助|给予补助(?![\d])|给予奖励(?![\d]))"
)
_KIND_RE = re.compile(r"(奖励|补助|补贴|资助|配套|支持|保障|扶持|券)")
KIND_MAP = {"补贴": "补助", "扶持": "支持"}

# Threshold operators (shared/glossary.md): before the number, and after it.
_OP_BEFORE = [  # 不超过 before 超过, 不高于 before 高于: a word's negation is read first (补贴面积不超过500平方米 is <=)
    ("不低于", ">="), ("不少于", ">="), ("不超过", "<="), ("不高于", "<="), ("不满", "<"),
    ("达到", ">="), ("累计达", ">="), ("达", ">="), ("在", ">="),
    ("超过", ">"), ("突破", ">"), ("高于", ">"), ("超", ">"), ("大于", ">"),
    ("低于", "<"), ("少于", "<"),
]
_OP_AFTER = [
    ("(含)以上", ">="), ("以上(含)", ">="), ("及以上", ">="), ("以上", ">="), ("(含)", ">="),
    ("以下(含)", "<="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
]
_CAP_BEFORE = re.compile(r"(最高(?:不超过|不高于|给予|补助|奖励|资助|补贴|支持)?|不超过|不高于|上限(?:为)?|最多|封顶)\s*$")
_CLAUSE_BOUNDARY = ",，;；:：(（)）"


@dataclass
class _Qty:
    start: int
    end: int
    value: int | float
    unit: str
    raw: str

    @property
    def money(self) -> bool:
        return self.unit in MONEY_TO_WAN

    @property
    def foreign(self) -> str | None:
        for name, code in CURRENCIES.items():
            if self.unit.endswith(name):
                return code
        return None

    @property
    def wan(self) -> float:
        v = self.value * MONEY_TO_WAN[self.unit]
        return int(v) if float(v).is_integer() else round(v, 6)


_BARE_RE = re.compile(rf"(?<![\d.A-Za-z])({NUM})(亿|万)(?=、)")


def _quantities(s: str) -> list[_Qty]:
    out = []
    for m in _QTY_RE.finditer(s):
        unit = m.group(2)
        if unit == "年" and re.fullmatch(r"(19|20)\d\d", m.group(1)):
            continue
        out.append(_Qty(m.start(), m.end(), _num(m.group(1)), unit, m.group(0)))
    # 3亿、10亿、20亿、30亿元: a list that writes its unit once, on the last item
    for m in _BARE_RE.finditer(s):
        nxt = next((q for q in out if q.start > m.start()), None)
        if nxt is not None and nxt.unit == m.group(2) + "元" and re.fullmatch(
                rf"(?:、{NUM}{m.group(2)})*、", s[m.end():nxt.start]):
            out.append(_Qty(m.start(), m.end(), _num(m.group(1)), nxt.unit, m.group(0)))
    for m in _RATIO_RE.finditer(s):
        if re.search(r"配套|匹配|给予|按", s[max(0, m.start() - 8):m.end() + 8]):
            out.append(_Qty(m.start(), m.end(), _num(str(round(float(m.group(2)) / float(m.group(1)) * 100, 6))), "%",
                            m.group(0)))
    out.sort(key=lambda q: q.start)
    return out


def _lists(qs: list[_Qty], s: str) -> list[list[_Qty]]:
    """Group quantities written as one list: 5亿元、10亿元、20亿元 (or 2%、3%、5%)."""
    groups: list[list[_Qty]] = []
    for q in qs:
        if groups:
            prev = groups[-1][-1]
            between = s[prev.end:q.start]
            if between in ("、", ",", "，", "和", "及", "或") and (prev.unit == q.unit or (prev.money and q.money)):
                groups[-1].append(q)
                continue
        groups.append([q])
    return groups


def _clause_start(s: str, pos: int, stops: str = _CLAUSE_BOUNDARY) -> int:
    i = pos
    while i > 0 and s[i - 1] not in stops:
        i -= 1
    return i


def _clause_end(s: str, pos: int, stops: str = ",，;；。") -> int:
    i = pos
    depth = 0
    while i < len(s):
        ch = s[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch in stops and depth == 0:
            break
        i += 1
    return i


def _op(before: str, after: str) -> tuple[str | None, str, str]:
    """The operator a threshold's words give, with the words before and after it that say so."""
    b_word = a_word = ""
    op = None
    for word, o in _OP_BEFORE:
        if before.endswith(word):
            b_word, op = word, o
            break
    a_norm = after.replace("（", "(").replace("）", ")")
    for word, o in _OP_AFTER:
        if a_norm.startswith(word):
            a_word = after[: len(word)]
            if op is None or op == ">=" or o == op:
                op = o if op is None or op == ">=" and o != ">=" and b_word in ("在", "达到", "达", "累计达") else op
            break
    return op, b_word, a_word


def _strip_leading(phrase: str) -> str:
    phrase = re.sub(r"^(?:对|且|并|和|及|或|其|的|年度|当年度)+", lambda m: "年度" if "年度" in m.group(0) else "", phrase)
    return phrase.strip()


@dataclass
class _Sentence:
    text: str
    start: int  # offset in the provision text


def _sentences(text: str) -> list[_Sentence]:
    out = []
    for m in _SENT_RE.finditer(text):
        t = m.group(0)
        s = m.start()
        # keep the quote free of the ending mark and of leading blanks
        stripped = t.rstrip("。;；").rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            out.append(_Sentence(stripped[lead:], s + lead))
    return out


def _topic_end(sent: str) -> int:
    """Skip a leading topic phrase (鼓励企业上规模,) when a 对… clause follows: hand quotes start at 对."""
    m = re.search(r"[,，](?=对)", sent)
    if m and not _AWARD_RE.search(sent[: m.start()]) and not _QTY_RE.search(sent[: m.start()]):
        return m.end()
    return 0


# --------------------------------------------------------------------------- drafting one sentence


#: Foreign currencies as their own dimension (never converted): code -> (dimension, unit table).
FOREIGN_UNITS = {code.lower(): {f"万{name}": 1, f"亿{name}": 10000, name: 0.0001}
                 for name, code in CURRENCIES.items() if name != "港币"}
_DIM_OF_UNIT = {"%": "percent", "家": "count", "个": "count", "项": "count", "名": "persons", "人次": "person_times",
                "台": "vehicles", "辆": "vehicles", "平方米": "area", "万平方米": "area"}
#: Dimensions data/metrics.yaml does not have, added by a draft's `units:` when a metric uses them.
EXTRA_DIMENSIONS = {"persons": {"名": 1, "人": 1}, "person_times": {"人次": 1}, "vehicles": {"辆": 1, "台": 1},
                    **FOREIGN_UNITS}


def unit_dimension(unit: str) -> str | None:
    """The dimension a unit belongs to (money, percent, count, area, or a currency's own: usd, hkd …)."""
    if unit in MONEY_TO_WAN:
        return "money"
    for name, code in CURRENCIES.items():
        if unit.endswith(name):
            return code.lower()
    return _DIM_OF_UNIT.get(unit)


_LEAD_RE = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.、．]\s*)?(?:对于|对|凡|且|并|和|及|或|其|的|在|由|经|该|同时)+")
_TAIL_RE = re.compile(r"(?:首次|累计|合计|分别|达到|超过|突破|高于|大于|不低于|不少于|达|在|为|的|其|超)+$")


def metric_phrase(phrase: str) -> str:
    """The noun phrase a metric is named from: no list number, no leading 对/且/其, no trailing 达到/超过/的."""
    p = re.sub(r"\s+", "", phrase)
    p = re.sub(r"[“”\"]", "", p)
    for _ in range(3):
        p = _LEAD_RE.sub("", p)
        p = _TAIL_RE.sub("", p)
    p = p.strip(",，、:：;；")
    p = p.replace("（", "(").replace("）", ")")
    while p.endswith(")") and p.count("(") < p.count(")"):
        p = p[:-1]
    while p.startswith("(") and p.count("(") > p.count(")"):
        p = p[1:]
    if p.endswith("(") or p.startswith(")"):
        p = p.strip("()")
    return p


def _quote_short(q: str, n: int = 30) -> str:
    """A quote for a review line: at most about `n` characters, never cut inside a number, no 「；」."""
    q = q.replace("；", "，")
    if len(q) <= n:
        return q
    while n < len(q) and (q[n].isdigit() or q[n] in ".%‰" or q[n - 1].isdigit() and q[n] in "万亿元"):
        n += 1
    return q[:n] + "…"


def _cjk_len(s: str) -> int:
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff")


class _Draft:
    def __init__(self, prov: ProvisionText, vocab: Vocabulary, proposed: dict | None = None):
        self.prov, self.vocab = prov, vocab
        #: metrics this draft proposes (not in data/metrics.yaml): key -> {label, dimension, unit?, description}
        self.proposed = proposed if proposed is not None else {}
        #: titles this draft proposes (not in data/qualifications.yaml), kept under the key "_titles"
        self.titles = self.proposed.setdefault("_titles", {}) if proposed is not None else {}
        #: project kinds this draft proposes (not in data/metrics.yaml), kept under the key "_kinds"
        self.kinds = self.proposed.setdefault("_kinds", {}) if proposed is not None else {}
        self._created: set[str] = set()
        self._project = None

    def title(self, text: str, quote: str) -> str:
        """A title's name: a known qualification when one matches, else a proposed one (the rules file's
        own `qualifications:`), named as written; 「A、B」 is one title held by holding either."""
        name, _level = self._title(text)
        if name in self.vocab.qualifications:
            return name
        name = re.sub(r"[“”\"的]+$", "", text).strip("“”\"")
        if name not in self.titles:
            parts = [x for x in re.split(r"、|或", name) if x]
            entry: dict[str, Any] = {"label": name, "levels": []}
            if len(parts) > 1:
                entry["aliases"] = parts
            entry["description"] = f"proposed by the drafter from 「{quote}」"
            self.titles[name] = entry
        return name

    def metric(self, phrase: str, dimension: str | None, unit: str | None = None) -> str | None:
        """The metric a phrase names: a known one when a label matches, else a proposed one named from the
        noun phrase (its key is the phrase itself), or None when the phrase names nothing (the caller asks)."""
        ph = metric_phrase(phrase)
        if not re.search(r"项目|产品|平台|APP", ph + getattr(self, "_sentence", "")):  # a project's metric: a project's words
            vocab = Vocabulary({k: v for k, v in self.vocab.metrics.items() if not k.startswith("project.")},
                               self.vocab.qualifications)
        else:
            vocab = self.vocab
        if dimension == "flag":  # a yes/no term: only its own label, never a label that merely shares words
            known = next((k for k, (lab, dim) in self.vocab.metrics.items() if dim == "flag" and lab == ph), None)
            if known:
                return known
        elif dimension in ("money", "percent", "count", "rank", "parameters", "area", None):
            known, _ = match_metric(ph, vocab, dimension) if ph else (None, 0.0)
            if known and re.search(r"增长部分|增加部分|增量|新增部分|超出部分|较上年", ph) and \
                    "增" not in self.vocab.metrics[known][0]:
                known = None  # 研发投入较上年增长部分 is the increase, not the whole figure whose label it resembles
            if known:
                return known
        if _cjk_len(ph) < 2 or re.search(r"\d", ph) or dimension is None:
            return None
        key = ph
        if key in self.vocab.metrics:
            return key
        entry = self.proposed.get(key)
        if entry is not None and entry["dimension"] != dimension:
            key = f"{ph}（{dimension}）"
            entry = self.proposed.get(key)
        if entry is None:
            entry = {"label": ph, "dimension": dimension}
            if unit and dimension not in ("flag",):
                entry["unit"] = unit
            entry["description"] = f"proposed by the drafter from 「{phrase.strip()}」"
            self.proposed[key] = entry
            self._created.add(key)
        return key

    def _per_unit_of(self, s: str, q: "_Qty", q0: str) -> dict:
        """The unit a per-unit amount is paid by and the quantity metric, named from the words it counts."""
        near = s[max(0, q.start - 12):q.end + 4]
        month = re.search(r"每月", near)
        if re.search(r"平方米", near):
            dim, unit_word, suffix = "area", "平方米", "面积"
        elif re.search(r"/人次", near):
            dim, unit_word, suffix = "person_times", "人次", "人次"
        elif re.search(r"每(?:辆|台)", near):
            dim, unit_word, suffix = "vehicles", "辆", "数量"
        elif re.search(r"每(?:名|人)", near):
            dim, unit_word, suffix = "persons", "名", "人数"
        else:
            dim, unit_word, suffix = "count", "个", "数量"
        cstart = _clause_start(s, q.start, ",，;；")
        own = s[cstart:q.start]
        lead = re.sub(r"(?:按照?|享受|给予|予以|每月|最高|的标准)+.*$", "", own)
        # 实用新型专利获得授权后资助1000元/件: what is counted is the grant, not the paying verb
        lead = re.sub(r"(?:资助|奖励|补贴|补助|奖补)$", "", lead)
        lead = re.sub(r"后$", "", re.sub(r"获得?授权后?$", "授权", lead))
        borrowed = False
        if re.fullmatch(r"(?:申请|授权)费?", metric_phrase(lead)) and cstart > 0:
            # 国内发明专利，申请费资助1000元/件: the fee is paid per application of the noun before it
            prev = s[_clause_start(s, cstart - 1, ",，;；"):cstart - 1]
            if _cjk_len(metric_phrase(prev)) >= 2:
                lead = metric_phrase(prev) + metric_phrase(lead).rstrip("费")
                borrowed = True
        if _cjk_len(metric_phrase(lead)) < 2 and cstart > 0:
            borrowed = True
            prev_start = _clause_start(s, cstart - 1, ",，;；")
            while prev_start > 1 and _in_brackets(s, prev_start - 1):  # (不包括附属和配套用房，下同): one clause
                prev_start = _clause_start(s, prev_start - 2, ",，;；")
            lead = s[prev_start:cstart - 1]
        m = re.search(r"每(?:设立|引进|新增|新建|开设)?一?(?:家|个)([^,，并及和]{2,12}?)(?:并|及|和|,|，|后|给予|$)", own)
        noun = m.group(1) if m else lead
        noun = re.sub(r"[(（][^)）]*[)）]", "", noun)
        noun = re.sub(r"^(?:对|在)?(?:我区|区内|南沙|本区)?", "", metric_phrase(noun))
        noun = re.sub(r"的$", "", noun)
        if dim == "area":  # 对租用办公用房的企业，按每平方米…: the area rented, not the firm's
            noun = re.sub(r"的?(?:企业|公司|机构|单位)$", "", noun)
            noun = re.sub(r"^(?:补贴)?标准[为是]?|每平方米$", "", noun)
            named = re.search(r"按照?([^,，按]{2,10}?面积)", s)
            if named and not re.search(r"补贴面积|补助面积", named.group(1)):
                noun, suffix = metric_phrase(named.group(1))[:-2], "面积"  # 按照实际租用面积给予…: the area it names
        metric = self.metric(noun + suffix, dim) if _cjk_len(noun) >= 2 else None
        pu: dict[str, Any] = {"amount": q.value, "unit": q.unit, "metric": metric}
        if month:
            pu["period"] = "month"
        # 1000元/件 after a noun of its own clause: the unit and what it counts are read, not guessed
        written = re.match(r"\s*/(?:件|艘|项|台|辆|标箱|TEU)", s[q.end:]) and not borrowed and \
            not re.fullmatch(r"(?:申请|授权)", noun)
        return {"per_unit": pu, "month_quote": month.group(0) if month else "",
                "review": None if written and metric else f"指标：「{q.raw}」按{unit_word}计，数量指标"
                          f"{'命名为「' + noun + suffix + '」' if metric else '未能命名'}，请确认"}

    def sentence(self, sent: str) -> dict | None:
        self._pu: dict[int, dict] = {}
        self._base_phrase = ""
        self._created: set[str] = set()  # metrics first proposed by this sentence
        s = sent[_topic_end(sent):]
        self._sentence = s
        qs = _quantities(s)
        has_award = bool(_AWARD_RE.search(s))
        defer = _DEFER_RE.search(s)
        unspecified = _UNSPECIFIED_RE.search(s)
        money_or_rate = [q for q in qs if q.money or q.unit in ("%", "‰") or q.foreign]
        if not has_award and not defer:
            return None
        if not money_or_rate and not defer and not unspecified:
            # 给予…保障 / 优先… : a measure without an amount; only when it names a recipient
            if not re.search(r"对[^,，]{2,}[,，]?.*(给予|予以)", s):
                return None
        inc: dict[str, Any] = {"quote": s}
        quotes: dict[str, str] = {}
        reviews: list[str] = []
        criteria: list[dict] = []
        limits: list[dict] = []
        self._roles(s, qs, inc, quotes, reviews, criteria, limits)
        self._frequency(s, inc, quotes)
        self._outlay_cap(s, inc, limits)
        self._max_quantity(s, inc, quotes, criteria)
        if re.search(r"首次(?:达到|入选|认定|评为|获评|获得|被认定|被评为|被评定|认定的|评定|超过|突破|迈上)", s):
            inc["first_time"] = True
            quotes["first_time"] = re.search(r"首次\S{0,2}", s).group(0)
        if inc.get("first_time") and inc.get("frequency") == "per_award":
            inc["frequency"] = "once"  # 首次: reached once only
            quotes["frequency"] = quotes["first_time"]
            if inc.get("_extra_reviews"):  # the frequency is read now: its question goes
                inc["_extra_reviews"] = [r for r in inc["_extra_reviews"] if not r.startswith("频次：未写明频次")]
        quals = self._qualifications(s, reviews)
        sel = self._selection(s, reviews)
        if inc.get("basis") is None:
            if defer and not money_or_rate:
                inc["basis"] = "defers_to"
                inc["defers_to"] = self._defers(s, defer, reviews)
            elif unspecified:
                inc["basis"] = "unspecified"
                inc["note"] = f"amount not stated in this text: {unspecified.group(0)}"
                quotes["basis"] = unspecified.group(0)
            elif not money_or_rate:
                inc["basis"] = "non_monetary"
                inc["note"] = "no amount: a measure or a priority, not money"
                reviews.append("金额：未写明金额，请确认这是非资金支持（或删除此条）")
            elif not any(k in inc for k in ("amount_wan", "tiers", "rate_percent", "rate_permille", "per_unit")) and not [
                    q for q in money_or_rate if not any(str(q.raw) in c["quote"] for c in criteria)]:
                inc["basis"] = "unspecified"
                inc["note"] = "the award's amount is not stated in this text"
                reviews.append("金额：只写了门槛，请确认金额不在本文中")
            else:
                inc["basis"] = "unspecified"
                inc["note"] = "amounts found but no role decided"
                reviews.append("金额：写有金额但其作用（奖励、上限、门槛）不明，请确定")
        kind = None
        verb = re.search(r"给予|予以", s)
        for m in _KIND_RE.finditer(s, verb.end() if verb else 0):
            kind = m.group(1)
            break
        if kind is None:
            for m in _KIND_RE.finditer(s):
                kind = m.group(1)
        if "配套" in s:
            kind = "配套"
        inc["kind"] = KIND_MAP.get(kind or "支持", kind or "支持")
        if kind:
            quotes["kind"] = kind
        inc["payer"] = "district" if re.search(r"鼓励(?:所属|各|有关)?区、?县\(?市\)?", s) else "unstated"
        inc["recipient"] = "enterprise"
        self._firm = _enterprise_subject(s)
        self._project = None if self._firm else _project_subject(s)
        if self._firm:
            quotes["recipient"] = self._firm  # 对…的企业, 融资租赁企业为…: the firm itself applies
        elif self._project:
            pass  # 对…的技术改造项目，按…: paid per project (`_project_recipient`, once the criteria are read)
        elif re.search(r"单个(?:项目|产品)|(?:对|评选|评定|遴选|认定)[^,，]{0,30}(?:项目|产品|平台|APP)[,，的]", s):
            reviews.append("对象：奖励可能给项目或产品，请设定 recipient 与 project_kind")
        self._conditions(s, inc, criteria, quals, sel, reviews)
        if inc.get("phases"):
            self._phase_start(s, inc, quotes, reviews, criteria)
        ana = re.search(r"(?:^|对|[,，])((?:相关|该|上述|此类|这些)(?:成果|项目|产品|技术|企业|机构|平台))", s) or \
            re.search(r"((?:上述|前述)[^\d,，。;；的、]{0,8}?(?:服务|业务|活动|成果|项目|产品|技术))", s)  # 提供上述科技服务业务
        if ana:  # 对相关成果形成的…: whose results the sentence before says
            reviews.append(f"条件：「{ana.group(1)}」指向前文所写的对象，请补上其条件")
        bare = re.match(r"(?:[(（]?[一二三四五六七八九十\d]+[)）.、．])?对于?([^,，;；。\d]{1,12}?)的[,，]", s)
        if bare and re.fullmatch(r"符合(?:上述|相关|规定)?条件", bare.group(1)):
            reviews.append(f"条件：「对{bare.group(1)}的」指向别处写的条件，请补上")
        elif bare and not re.search(r"企业|公司|机构|单位|项目|平台|人才|基金|园区|产品|团队|人员|个人|者|商|方",
                                    bare.group(1)) and \
                not re.search(r"给予(?:其)?[^,，。;；\d]{0,10}(?:公司|企业|机构|单位|建设方|运营方|主体)", s):
            # 对重新认定的，给予10万元奖励: whom (重新认定的 what?) is written in the sentence before, if anywhere
            reviews.append(f"条件：「对{bare.group(1)}的」未写明对象（谁），请补上（可能与前一句相同）")
        same = re.search(r"(?:相同|同等|等额)(?:额度|金额|数额)?", s)
        if same and re.search(r"再给予|给予|配套", s[same.start() - 6: same.end() + 4]):
            # 以X为标准，再给予相同额度: the amount is another figure (100% of X), not a number of the sentence
            reviews.append(f"金额：「{same.group(0)}」按另一笔资金等额给予，请写成比例（100%）及其基数，或确认")
        alts = self._alternatives(s, criteria, quals, reviews)
        if alts:
            for c in [c for c in alts[0].get("criteria") or []
                      if _NEW_FIRM_RE.fullmatch(c.get("quote") or "")]:
                # 对新设的A企业或B企业: new firms of either kind (the word opens the whole 或 construction)
                alts[0]["criteria"].remove(c)
                criteria.insert(0, c)
            inc["alternatives"] = alts
        self._recipient(s, inc, criteria, reviews)
        if self._project and inc["recipient"] == "enterprise" and inc["basis"] not in ("defers_to", "non_monetary"):
            self._project_recipient(inc, quotes, criteria, limits, reviews)
        if criteria:
            inc["criteria"] = criteria
        if quals:
            inc["qualifications"] = quals
        if limits:
            inc["limits"] = limits
        if sel:
            inc["selection"] = sel
        # 实用新型专利获得授权后资助1000元/件: paid per grant the firm has, the count is the condition
        counted = inc.pop("_counted", False)
        if (inc["basis"] not in ("defers_to",) and not counted and not (
                criteria or quals or sel or inc.get("rate_base") or alts or inc.get("tier_metric") or inc.get("tiers"))):
            reviews.append("条件：本句未找到申请条件，请补上谁可申请（指标、称号或评定，可能写在相邻句中）")
        if inc["recipient"] == "enterprise" and (
                any(str(c.get("metric") or "").startswith("project.") for c in criteria)
                or str(inc.get("rate_base") or "").startswith("project.")):
            reviews.append("对象：指标衡量的是项目（project.*），请设定 recipient 与 project_kind")
        for c in [*criteria, *(c for alt in alts or [] for c in alt.get("criteria") or [])]:
            if c.get("metric") is None and not any(str(c.get("quote"))[:10] in r for r in reviews):
                # a condition no metric names: never left for `rules check` alone to find
                reviews.append(f"指标：条件「{_quote_short(c.get('quote') or '')}」未能对应指标，请选择或新增指标")
        if quotes:
            inc["quotes"] = quotes
        if reviews:
            inc["review"] = "；".join(dict.fromkeys(reviews))
        return inc

    # ---- conditions written as words (新注册的批发企业, 在我区注册运营的…平台, …除外)

    def _conditions(self, s, inc, criteria, quals, sel, reviews) -> None:
        """The words before the award verb that no threshold, title or selection reads become yes/no
        criteria, each a proposed flag metric named from its phrase (the engine asks the firm)."""
        if inc.get("basis") in ("defers_to", "non_monetary"):
            return
        verb = next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None)
        if verb is None:
            return
        head = s[:verb.start()]
        rb = re.search(r"(?:按照|按|根据|参照)[^,，]*$", head)
        if rb:
            # 按其…收入的5%对新型研发机构给予奖励: the kind of firm after the computation is who qualifies
            whom = re.search(r"对([^,，对的%‰\d]{2,20}?(?:企业|公司|机构|基金|单位))$", head[rb.start():])
            head = head[:rb.start()]
            if whom and not re.fullmatch(r"(?:该|其|上述|相关)?(?:企业|公司|机构|单位)", whom.group(1)):
                head = f"{head}，{whom.group(1)}" if head else whom.group(1)
        mask = list(head)
        # 按不超过项目审定总投入费用6%的标准, 一次性给予…: how the amount is computed, no condition (its 标准 is no term)
        for m in re.finditer(r"(?:^|(?<=[,，]))(?:按照|按|根据|参照)(?:不超过|不高于)?[^,，]*?(?:\d[^,，]*)?(?:的)?标准(?=[,，]|$)",
                             head):
            for k in range(m.start(), m.end()):
                mask[k] = "，"
        bp = getattr(self, "_base_phrase", "")
        if bp and _cjk_len(bp) >= 4 and head.find(bp) >= 0:  # the rate's base written before 按: a figure, no condition
            i = head.find(bp)
            for k in range(i, i + len(bp)):
                mask[k] = "，"
        for m in re.finditer(r"(?:^|(?<=[,，]))自[^,，]{1,8}?(?:之日|当年|年度|次年)起"
                             r"(?=[,，]|$|(?:\d+|[一二两三四五六七八九十])个?年内)", head):
            for k in range(m.start(), m.end()):  # 自落户之日起: when the years start counting, no condition
                mask[k] = "，"
        if inc.get("max_years"):  # 三年内按照租金的50%给予补贴: the span paid over (max_years), no condition
            for m in re.finditer(r"(?<![\d一二两三四五六七八九十])(?:\d+|[一二两三四五六七八九十])个?年内(?=[,，]?(?:按照?|根据|给予|享受|每年|$))",
                                 head):
                for k in range(m.start(), m.end()):
                    mask[k] = "，"
        for q in [c.get("quote") or "" for c in criteria] + [q.get("quote") or "" for q in quals] + \
                ([sel.get("quote") or ""] if sel else []):
            i = head.find(q) if q else -1
            if i >= 0:
                for k in range(i, i + len(q)):
                    mask[k] = "，"
        # titles a 分别 list pairs with amounts (“单项冠军”示范企业、专精特新“小巨人”企业): each item is its level's
        # title, no yes/no condition of words
        for t in inc.get("tiers") or []:
            label = t.get("label") or ""
            i = head.find(label) if t.get("qualification") and label else -1
            if i >= 0:
                for k in range(i, i + len(label)):
                    mask[k] = "，"
        if any(t.get("level") for t in inc.get("tiers") or []):  # 国家级、省级X, 分别…: the levels' words
            for lm in re.finditer(r"(?:国家级?|省级?|市级?)(?:、(?:国家级?|省级?|市级?))+", head):
                for k in range(lm.start(), lm.end()):
                    mask[k] = "，"
        # a list of levels or a threshold the draft reads (年营业收入首次达到1亿元、5亿元): not a condition of words
        have = _field_numbers(inc, set())
        for m in _READ_RUN_RE.finditer(head):
            qs = _quantities(m.group(0))
            if qs and all({round(float(q.value), 6), round(float(q.wan), 6) if q.money else -1.0} & have for q in qs):
                for k in range(m.start(), m.end()):
                    mask[k] = "，"
        rest = "".join(mask)
        seen = {c.get("quote") for c in criteria}
        for m in re.finditer(r"[^,，;；:：]+", rest):
            frag = m.group(0)
            if _in_brackets(head, m.start()):  # the rest of a bracket cut by a comma (…，下同): past its close only
                close = re.search(r"[)）]", frag)
                frag = frag[close.end():] if close else ""
            for part in re.split(r"(?<=[^\d])且|并且|同时", frag):
                self._condition_fragment(part, head, criteria, reviews, seen)

    def _alternatives(self, s: str, criteria: list[dict], quals: list[dict], reviews: list[str]) -> list[dict]:
        """…的服务贸易企业或经市认定的技术先进型服务企业: who qualifies one way or another. The criteria and titles
        quoted on each side of 或 move into that side's alternative; the rest stay common (criteria, lists
        edited in place)."""
        verb = next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None)
        if verb is None:
            return []
        head = s[:verb.start()]
        for m in re.finditer(r"[^,，;；]+", head):
            clause, c0 = m.group(0), m.start()
            k = next((i for i, ch in enumerate(clause) if ch == "或" and not _in_brackets(clause, i)), -1)
            if k < 0:
                continue
            if k == 0:  # 对A，或B，且C: the clause before is the other side
                prev = [x for x in re.finditer(r"[^,，;；]+", head) if x.end() < c0]
                if not prev:
                    continue
                sides = [(prev[-1].start(), prev[-1].end()), (c0 + 1, c0 + len(clause))]
                # A,或B,或C: every clause that opens with 或 after it is one more way
                for nxt in re.finditer(r"[^,，;；]+", head):
                    if nxt.start() > sides[-1][1] and nxt.group(0).startswith("或") and \
                            head[sides[-1][1]:nxt.start()].strip(",，") == "":
                        sides.append((nxt.start() + 1, nxt.end()))
                clause = s[prev[-1].start():sides[-1][1]]
            else:
                sides = [(c0, c0 + k), (c0 + k + 1, c0 + len(clause))]
            if "、" in s[sides[0][0]:sides[0][1]]:
                continue  # A、B、C或D: one list, one condition
            if k >= 2 and _VERB_OR_RE.match(clause, k - 2):
                continue  # 主办或承办…论坛: two verbs of one object, one condition
            if any(_cjk_len(s[a:b]) < 4 for a, b in sides) or any(
                    "或" in (c.get("quote") or "") and (c.get("quote") or "") in s[sides[0][0]:sides[-1][1]]
                    and c.get("value") is not True for c in criteria):
                continue
            out = []
            for a, b in sides:
                side = s[a:b]
                mine = [c for c in criteria if c.get("quote") and c["quote"] in side]
                titles = [q for q in quals if q.get("quote") and q["quote"] in side]
                out.append((side, mine, titles))
            # a flag spanning 或 is replaced by one flag per side
            spanning = [c for c in criteria if c.get("value") is True and "或" in (c.get("quote") or "")
                        and c["quote"] in clause]
            for c in spanning:
                criteria.remove(c)
            alts = []
            for side, mine, titles in out:
                for c in mine:
                    if c in criteria:
                        criteria.remove(c)
                for q in titles:
                    if q in quals:
                        quals.remove(q)
                rest = side
                for c in mine + titles:
                    rest = rest.replace(c["quote"], "，")
                extra: list[dict] = []
                for frag in re.split(r"[，,]", rest):
                    self._condition_fragment(frag, side, extra, reviews, set())
                side = re.sub(r"^(?:对于|对|或)", "", side.strip())
                alt: dict[str, Any] = {"label": metric_phrase(side)[:24], "quote": side}
                if mine + extra:
                    alt["criteria"] = mine + extra
                if titles:
                    alt["qualifications"] = titles
                if "criteria" not in alt and "qualifications" not in alt:
                    reviews.append(f"条件：「或」的一方「{side}」未读出条件，请补上")
                    alt["criteria"] = [{"metric": self.metric(side, "flag"), "op": "==", "value": True,
                                        "quote": side.strip()}]
                alts.append(alt)
            return alts
        return []

    def _recipient(self, s: str, inc: dict, criteria: list[dict], reviews: list[str]) -> None:
        """Persons (人才, 员工个人, 自然人) and intermediaries (引荐方, the platform paid for members it brings)
        are paid apart from the firm; a project, park or platform named as the one paid is asked."""
        verb = next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None)
        head = s[:verb.start()] if verb else s
        after = s[verb.end():] if verb else ""
        # 每个单位或个人: a unit (the firm) or a person may apply; the firm's claim is the enterprise's
        persons = r"人才|员工|个人|自然人|合伙人|高管|团队|博士|硕士|研究生|毕业生|院士"
        if re.search(persons, re.sub(r"(?:单位|企业|机构)或个人|个人或(?:单位|企业|机构)", "", s)) \
                and not re.search(r"给予[^,，。;；\d]{0,8}(?:企业|单位|机构|公司)(?!个人)", s):  # 给予企业每人…: the firm's
            inc["recipient"] = "person"
            subject = re.match(r"对[^,，;；]*?(?:人才|自然人|有限合伙人|员工|人员|博士|硕士|研究生|毕业生|院士)(?=[,，])", s)
            if not subject:  # the persons are not the sentence's own subject: a reading to confirm
                reviews.append("对象：奖励可能付给个人（人才、员工），已设为 person，请确认 recipient 与 per_person")
        elif re.search(r"引荐|中介|(?:奖励|补贴|补助)(?:给)?[^,，。]{0,6}(?:平台|机构)(?:企业)?$|对[^,，]{0,12}平台按照?", s):
            inc["recipient"] = "intermediary"
            reviews.append("对象：奖励付给引进企业的平台或中介（intermediary），请确认")
        elif self._firm or self._project:
            return
        elif re.match(r"(?:其|给)?[^\d,，。]{2,12}?(?:公司|企业|机构|单位|平台|园区)", after):
            reviews.append(f"对象：奖励写明付给「{after[:14]}」，请确认 recipient")
        elif re.search(r"园区|基地|小镇|项目|产品|平台|APP", "".join(c.get("quote") or "" for c in criteria) + head) \
                and not any("对象：" in r for r in reviews):
            reviews.append("对象：条件写的是项目、产品、平台或园区，请确认奖励给企业还是项目（recipient, project_kind）")

    def _project_recipient(self, inc: dict, quotes: dict, criteria: list[dict], limits: list[dict],
                           reviews: list[str]) -> None:
        """对年度实际投资额500万元以上的技术改造项目，按项目实际投资额的10%给予补助: the sentence's subject is a
        project, so the award is paid per project (docs/rules.md, Projects) of a kind named from its noun
        (技术改造项目, proposed under the rules file's ``project_kinds:``). The figures written on the
        project (its threshold, the rate's base) are the project's metrics (``project.<name>``); being of the
        kind is no yes/no condition of its own; a cap per project (单个项目最高) is the award's cap."""
        clause, kind_name = self._project
        inc["recipient"] = "project"
        quotes["recipient"] = clause
        if not re.match(r"对于?", clause) and "的" not in clause:
            # 每年评选优秀服务平台项目，每个平台奖励…: the projects chosen, whose kind and conditions the sentences
            # around may say (鼓励…建设融资租赁公共服务平台): a reading, asked
            reviews.append(f"对象：按评选出的项目奖励，已设为 project（项目类型「{kind_name}」），请确认项目类型及其条件")
        base = inc.get("rate_base")
        base_label = self.vocab.metrics.get(base, (None,))[0] if base else None
        if base and not base.startswith("project."):
            moved = self._as_project_metric(base)
            if moved:
                inc["rate_base"] = base = moved
                base_label = self.proposed.get(moved, {}).get("label")
            else:
                reviews.append(f"对象：比例基数「{quotes.get('rate_base') or base}」是企业的指标，按项目补助时请确认")
        kept = []
        for c in criteria:
            key, quote = c.get("metric"), c.get("quote") or ""
            if c.get("op") == "==" and c.get("value") is True and \
                    metric_phrase(quote).replace("的", "") == kind_name.replace("的", ""):
                if key in self.proposed and key in self._created:
                    self.proposed.pop(key)  # 技术改造项目 itself: what project_kind says
                continue
            if key and quote and quote in clause and not key.startswith("project."):
                label = self.proposed.get(key, {}).get("label") or ""
                # 年度实际投资额500万元以上 … 按项目实际投资额: one figure of the project, written twice
                core = re.search(r"(投资额|投入|费用|成本|收入|销售额)$", label)
                if base and base_label and core and base_label.endswith(core.group(1)) and \
                        self.proposed.get(key, {}).get("dimension") == "money":
                    if key in self._created:
                        self.proposed.pop(key)
                    c = dict(c, metric=base)
                elif re.search(r"企业|公司|单位|机构", clause[clause.find(quote) + len(quote):]):
                    pass  # 对年营业收入超过1亿元的企业实施的技术改造项目: the firm's figure, before the firm
                else:
                    moved = self._as_project_metric(key)
                    if moved:
                        c = dict(c, metric=moved)
                    else:
                        reviews.append(f"对象：条件「{quote}」用的是企业的指标，按项目补助时请确认它衡量项目还是企业")
            kept.append(c)
        criteria[:] = kept
        for lim in list(limits):
            if lim.get("kind") == "per_item_cap" and lim.get("per") == "project" and "cap_wan" not in inc \
                    and inc.get("basis") in ("rate", "matching"):
                limits.remove(lim)  # 单个项目最高不超过100万元: each project's award, the award's own cap
                inc["cap_wan"] = lim["amount_wan"]
                quotes["cap_wan"] = lim["quote"]
        fields = [k for k in [inc.get("rate_base"), inc.get("tier_metric"), *(c.get("metric") for c in criteria)]
                  if isinstance(k, str) and k.startswith("project.")]
        inc["project_kind"] = self.project_kind(kind_name, clause, fields)

    def _as_project_metric(self, key: str) -> str | None:
        """A metric the draft proposed (not in data/metrics.yaml) as the project's: ``project.<key>``; None
        for a metric data/metrics.yaml has (an enterprise's: the caller asks)."""
        if key in self.vocab.metrics or key not in self.proposed:
            return None
        new = f"project.{key}"
        self.proposed.setdefault(new, dict(self.proposed[key]))
        if key in self._created:
            self.proposed.pop(key)
        return new

    def project_kind(self, name: str, quote: str, fields: list[str]) -> str:
        """A project kind the rules file proposes (``project_kinds:``, named as written), listing the project
        metrics its awards read; a kind data/metrics.yaml has, by its label, is used as it is."""
        have = {f.split(".", 1)[1] for f in fields}
        known = next((k for k, (label, kf) in self.vocab.project_kinds.items() if label == name and have <= set(kf)),
                     None)
        if known:
            return known
        entry = self.kinds.setdefault(name, {"label": name, "metrics": [],
                                              "description": f"proposed by the drafter from 「{quote}」"})
        for f in fields:
            field = f.split(".", 1)[1]
            if field not in entry["metrics"]:
                entry["metrics"].append(field)
        return name

    def _condition_fragment(self, part: str, head: str, criteria, reviews, seen) -> None:
        raw = part.strip()
        excluded = False
        m = re.fullmatch(r"(.*?)[(（]([^()（）]*)除外[)）](.*)", raw)
        if m:  # (已享受…补贴的国际贸易企业除外): a condition that must not hold
            self._condition_fragment(m.group(1) + m.group(3), head, criteria, reviews, seen)
            raw, excluded = m.group(2), True
        text = re.sub(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.、．])", "", raw)
        text = re.sub(r"^(?:鼓励|支持|积极|推动|加快|引导)[^对]*$", "", text)
        text = re.sub(r"^(?:对于|对|凡|且|并|和|及|或|其|在内|经|由|同时|可|均)+", "", text)
        text = text.strip().strip("“”\"")  # 首次认定的“ before a quoted title
        text = re.sub(r"(?:的|者|后|时)$", lambda x: x.group(0) if x.group(0) in "后时" else "", text)
        text = re.sub(r"^的|的$", "", text).strip().strip("“”\"")
        if re.fullmatch(r"(?:首次)?(?:被)?(?:获评|评为|认定为|认定|入选|获得|列入)(?:为)?", text):
            return  # the title itself is a qualification read apart
        pos = re.fullmatch(r"(.{2,20}?)(?:保持|实现)?正增长(?:的)?(?:企业)?", text)
        if pos:  # 营业收入正增长: > 0
            metric = self.metric(pos.group(1) + "增速", "percent")
            if metric and text not in seen:
                seen.add(text)
                criteria.append({"metric": metric, "op": "positive", "quote": text})
                return
        if re.search(r"符合(?:上述|以下|相关|本办法)?条件|上述|前款|以下|下列|之一", text) or \
                re.match(r"(?:首次)?(?:被|经)?(?:入选|认定|获评|评为|获批)的", text):
            reviews.append(f"条件：「{text}」指向别处写的条件，请补上")
            return
        if _cjk_len(text) < 2 or text in _NOT_CONDITIONS or re.fullmatch(r"(?:的)?(?:企业|机构|单位|项目)(?:的)?", text):
            return
        if _QTY_RE.search(text):
            return  # a quantity: read into a field, or named by `_unread_numbers`
        quote = text if text in head else raw.strip()
        if quote in seen or not quote:
            return
        seen.add(quote)
        key = self.metric(text, "flag")
        criteria.append({"metric": key, "op": "==", "value": not excluded, "quote": quote})

    # ---- amounts, rates, caps, thresholds

    def _roles(self, s, qs, inc, quotes, reviews, criteria, limits) -> None:
        groups = _lists(qs, s)
        award_at = _AWARD_RE.search(s)
        award_pos = award_at.start() if award_at else len(s)
        amounts: list[tuple[list[_Qty], str]] = []  # (group, quote)
        caps: list[tuple[_Qty, str, str]] = []  # (qty, quote, scope)
        rates: list[tuple[list[_Qty], str, bool]] = []  # (group, quote, ceiling)
        thresholds: list[tuple[list[_Qty], str, str | None, str]] = []  # group, quote, op, phrase
        # X（含）至Y: a band. Before the award it is two thresholds (≥ X and < Y, ≤ Y when Y（含）); after it an
        # amount a至b万元 is up to b (the drafter reads a as amount_min_wan)
        joined: set[int] = set()
        range_lo: set[int] = set()
        for g1, g2 in zip(groups, groups[1:]):
            if len(g1) != 1 or len(g2) != 1:
                continue
            gap = s[g1[-1].end:g2[0].start].replace("（", "(").replace("）", ")")
            if not re.fullmatch(r"\s*(?:\(含\))?\s*(?:至|到|-|—|－|~|～)\s*", gap):
                continue
            if unit_dimension(g1[0].unit) != unit_dimension(g2[0].unit) or unit_dimension(g1[0].unit) is None:
                continue
            if g1[0].start > award_pos or unit_dimension(g1[0].unit) == "money" and re.match(
                    r"\s*(?:的)?(?:一次性)?(?:奖励|补助|资助|补贴|支持)", s[g2[0].end:g2[0].end + 6]):
                range_lo.add(id(g1))  # a range amount: its b is the amount, a is read by _assign
                continue
            joined.add(id(g1))
            cstart = _clause_start(s, g1[0].start, _CLAUSE_BOUNDARY + "、")
            while cstart < g1[0].start and s[cstart] in "对且并和及或":
                cstart += 1
            phrase = s[cstart:g1[0].start]
            op_lo, bw, _aw = _op(phrase, "")
            phrase = phrase[: len(phrase) - len(bw)]
            tail = s[g2[0].end:g2[0].end + 3].replace("（", "(").replace("）", ")")
            q0 = s[cstart:g2[0].end + (3 if tail.startswith("(含)") else 0)]
            thresholds.append((g1, q0, ">=" if op_lo in (None, ">=") else op_lo, phrase))
            thresholds.append((g2, q0, "<=" if tail.startswith("(含)") else "<", phrase))
            joined.add(id(g2))
        for g in groups:
            if id(g) in joined or id(g) in range_lo:
                continue
            first, last = g[0], g[-1]
            cstart = _clause_start(s, first.start, _CLAUSE_BOUNDARY + "、")
            while cstart < first.start and s[cstart] in "对且并和及或":
                cstart += 1
            before = s[cstart:first.start]
            after = s[last.end:last.end + 8]
            if first.unit in ("年", "次", "倍", "名"):
                continue  # durations and counts are read by _frequency/_selection
            if first.unit in ("家", "个", "项", "人次", "平方米", "万平方米", "台", "辆"):
                if re.search(r"(不超过|前)\s*$", before) and re.search(r"(评|认定|遴选|择优|每年|全市|排名)", s[:first.start]):
                    continue  # a quota: _selection
                op, bw, aw = _op(before, after)
                if op:
                    q0 = s[cstart:last.end + len(aw)]
                    thresholds.append((g, q0, op, before[: len(before) - len(bw)]))
                continue
            cap_m = _CAP_BEFORE.search(before) or _CAP_BEFORE.search(s[max(0, first.start - 12):first.start])
            is_after_award = first.start > award_pos
            op, bw, aw = _op(before, after)
            if op and re.match(r"的部分", after):
                continue  # 超过20%的部分: the base of a rate, read by _assign
            if first.unit in ("%", "‰"):
                rate_ctx = re.search(r"(按|按照|根据|给予|的)", before) or re.match(r"(的(比例|标准)|给予|予以)", after)
                if (op and not rate_ctx) or (op and not is_after_award and "给予" not in before and "按" not in before):
                    if op in ("<=",) and re.search(r"不超过|不高于", bw + before[-4:]) and is_after_award:
                        pass
                    else:
                        q0 = s[cstart:last.end + len(aw)]
                        thresholds.append((g, q0, op, before[: len(before) - len(bw)]))
                        continue
                ceiling = bool(re.search(r"(不超过|不高于|最高不超过|最高)[^,，]*$", s[cstart:first.start]))
                q0 = s[cstart:_clause_end(s, last.end)]
                rates.append((g, q0, ceiling))
                continue
            # money
            if re.search(r"(按|每辆|每个|每家|每台|每件|每平方米|每人)[^,，]{0,3}$", s[max(0, first.start - 6):first.start]) \
                    or re.search(r"每平方米每月(?:最高|不超过)?$", s[max(0, first.start - 10):first.start]) \
                    or (not cap_m and re.search(r"每(?:设立|引进|新增|新建|开设)一?(?:家|个|辆|台|名|人|项|套|艘|架)",
                                                s[_clause_start(s, first.start, ",，;；"):first.start])) \
                    or s[last.end:last.end + 1] == "/":
                # 按300元/人次, 每辆3000元: an amount per unit
                q0 = s[_clause_start(s, first.start, ",，;；"):_clause_end(s, last.end)]
                amounts.append((g, q0))
                self._pu[first.start] = self._per_unit_of(s, first, q0)
                continue
            if re.search(r"(安排|设立)[^,，]{0,8}$", before):
                # 每年安排500万元资金: a programme's budget, not a threshold
                scope_start = _clause_start(s, first.start, ",，;；")
                caps.append((first, s[scope_start:_clause_end(s, last.end)], s[scope_start:first.start]))
                continue
            if cap_m and (len(g) > 1 or re.search(r"分别", before)):
                # 分别最高给予600万元、1000万元…: a list of levels, each up to its amount
                q0 = s[_clause_start(s, first.start, ",，;；"):_clause_end(s, last.end)]
                amounts.append((g, q0))
                continue
            if cap_m and (is_after_award or re.search(r"(补助|奖励|资助|补贴|支持|额)", before)):
                scope_start = _clause_start(s, first.start, ",，;；")
                q0 = s[scope_start:_clause_end(s, last.end)]
                caps.append((first, q0, s[scope_start:first.start]))
                continue
            if op and not (is_after_award and bw == "" and op == ">=" and "以上" not in aw):
                q0 = s[cstart:last.end + len(aw)]
                thresholds.append((g, q0, op, before[: len(before) - len(bw)]))
                continue
            if is_after_award or re.match(r"\s*(的)?(一次性)?(奖励|补助|资助|补贴|支持)", after) or "给予" in before:
                q0 = s[_clause_start(s, first.start, ",，;；"):_clause_end(s, last.end)]
                amounts.append((g, q0))
                continue
            thresholds.append((g, s[cstart:last.end + len(aw)], None, before))

        self._thresholds(s, thresholds, criteria, reviews, inc, amounts, [r[0] for r in rates])
        self._ranks_and_words(s, criteria, reviews)
        self._assign(s, inc, quotes, reviews, amounts, caps, rates, limits, thresholds)

    _N = r"(\d+|[一二两三四五六七八九十])"

    def _phases(self, s: str, rates: list, thresholds: list) -> list[dict] | None:
        """前N年…a%…，后M年…(最高)b%…: the two phases of a time-phased rate, each with its own words as quote,
        or None when the sentence is not exactly that (one rate after 前N年, one after 后M年, each a single
        number, the years agreeing with 连续/最长K年 when it is written)."""
        m = re.search(rf"前{self._N}个?年([^。;；]*?)后{self._N}个?年", s)
        if not m:
            return None
        (g1, q1, c1), (g2, q2, c2) = rates
        if len(g1) != 1 or len(g2) != 1 or not (m.start() < g1[0].start < m.start(3) < g2[0].start):
            return None
        if any(t[0][0].start > m.start() for t in thresholds):
            return None  # a threshold among the phases: levels, not years
        if g1[0].unit != g2[0].unit or g1[0].unit not in ("%", "‰"):
            return None
        a, b = (int(x) if x.isdigit() else _cn_value(x) for x in (m.group(1), m.group(3)))
        total = re.search(rf"(?:最长(?:不超过)?|连续){self._N}年", s)
        if total and (int(total.group(1)) if total.group(1).isdigit() else _cn_value(total.group(1))) != a + b:
            return None  # 连续5年 but 前3年…后3年: the text disagrees with itself; the review line stays
        def own_base(seg: str) -> str:  # the base a phase names in its own words (后2年给予企业地方经济贡献最高70%)
            v = re.split(r"按照|按|根据|给予", seg)
            return re.sub(r"其|的|最高|不超过|不高于|比例|标准|[,，\s]", "", v[-1]) if len(v) > 1 else ""
        b1, b2 = own_base(s[m.start():g1[0].start]), own_base(s[m.start(3):g2[0].start])
        if b2 and b1 != b2 and not (b1 == "" and b2 in re.sub(r"其|的", "", s[:m.start()])):
            return None  # the later years pay a share of another figure (增量部分): not one rate base
        key = "rate_permille" if g1[0].unit == "‰" else "rate_percent"
        out = []
        for (lo, hi), (g, _q, ceiling), start in (((1, a), rates[0], m.start()), ((a + 1, a + b), rates[1], m.start(3) - 1)):
            end = _clause_end(s, g[0].end)
            ph: dict[str, Any] = {"from_year": lo, "to_year": hi, key: g[0].value}
            if ceiling:
                ph["rate_ceiling"] = True
            ph["quote"] = s[start:end]
            out.append(ph)
        return out

    _PHASE_START = {"落户": "落户年份", "迁入": "落户年份", "入驻": "落户年份", "注册": "设立年份", "设立": "设立年份",
                    "成立": "设立年份", "获利": "获利年度"}

    def _phase_start(self, s: str, inc: dict, quotes: dict, reviews: list[str], criteria: list[dict]) -> None:
        """The year a phased rate counts from: 自落户当年起 → 落户年份 (a proposed year metric); two starts
        (自落户之日或其获利年度起) or none written are asked. The words are the start, not a yes/no condition."""
        # 前三年/后两年 left over as words before the verb are the phases' years, not a condition
        criteria[:] = [c for c in criteria if not re.fullmatch(rf"[前后]{self._N}个?年", (c.get("quote") or "").strip())]
        m = re.search(r"自(?:其)?([^,，。;；]{1,12}?)(?:当年|之日|年度|之年)?起", s)
        words = re.findall(r"(落户|迁入|入驻|注册|设立|成立|获利)", m.group(1)) if m else []
        starts = list(dict.fromkeys(self._PHASE_START[w] for w in words))
        if m and starts:
            inc["phase_start"] = self.metric(starts[0], "year")
            entry = self.proposed.get(inc["phase_start"])
            if entry is not None and "「" in entry.get("description", "") and "起" not in entry["description"]:
                entry["description"] = f"the calendar year a phased award counts from, proposed from 「{m.group(0)}」"
            quotes["phase_start"] = m.group(0)
            # the start words drafted as a yes/no condition (自落户当年起): now the phase start; nothing else goes
            criteria[:] = [c for c in criteria if (c.get("quote") or "").strip("，, ") not in (m.group(0), m.group(1))]
            if len(starts) > 1:
                reviews.append(f"期限：「{m.group(0)}」写有两种起算年份（{'、'.join(starts)}），已按{starts[0]}，请确认")
            return
        new = re.search(r"新(?:设立?|注册|成立)|新迁入|新落户|新引进", s)
        inc["phase_start"] = self.metric("落户年份" if new and "迁入" in new.group(0) or new and "落户" in new.group(0)
                                         else "设立年份", "year")
        quotes["phase_start"] = new.group(0) if new else inc["phases"][0]["quote"]
        reviews.append(f"期限：分段年份（{inc['phases'][0]['quote'][:6]}…）未写明从哪一年起算，已按"
                       f"{self.proposed.get(inc['phase_start'], {}).get('label', inc['phase_start'])}，请确认")

    def _ranks_and_words(self, s, criteria, reviews) -> None:
        """Thresholds written without a unit number: TOP10 / 前5位 (a place, <=), “三星级”及以上, 超过千亿."""
        for m in re.finditer(r"TOP\s*(\d+)|前(\d+)位", s):
            n = int(m.group(1) or m.group(2))
            start = _clause_start(s, m.start(), _CLAUSE_BOUNDARY + "、")
            phrase = s[start:m.start()]
            metric, _ = match_metric(_strip_leading(phrase), self.vocab, "rank")
            criteria.append({"metric": metric, "op": "<=", "value": n, "unit": "位", "quote": s[start:m.end()]})
            if metric is None:
                reviews.append(f"指标：排名「{s[start:m.end()]}」请选择指标（哪一项排名）")
        for m in re.finditer(r"“?([一二三四五])星级”?及以上", s):
            criteria.append({"metric": None, "op": ">=", "value": _cn_value(m.group(1)), "unit": "星级",
                             "quote": m.group(0)})
            reviews.append(f"指标：星级「{m.group(0)}」请选择指标（哪一种星级）")
        for m in re.finditer(r"([^,，、]{0,12}?)(超过|达到)(千亿|百亿)", s):
            op = ">" if m.group(2) == "超过" else ">="
            metric, _ = match_metric(_strip_leading(m.group(1)), self.vocab, "parameters")
            criteria.append({"metric": metric, "op": op, "value": 1, "unit": m.group(3), "quote": m.group(0).lstrip("对")})
            if metric is None:
                reviews.append(f"指标：门槛「{m.group(0)}」请选择指标")

    def _thresholds(self, s, thresholds, criteria, reviews, inc, amounts, rate_groups=()) -> None:
        for g, q0, op, phrase in thresholds:
            if len(g) > 1 and (amounts and len(amounts[0][0]) == len(g) or re.search(r"分别", s)
                               or any(len(r) == len(g) for r in rate_groups)):
                continue  # a list of levels: _assign pairs it with 分别 / the rate lists
            q = g[0]
            # 年营业收入突破2000万元且近3年平均增速在20%以上: the words after the last 且 name the second figure
            parts = re.split(r"(?<=[元%‰家个])且", phrase or "")
            if len(parts) > 1 and parts[-1] and q0.endswith(q0[q0.rfind(parts[-1]):]) and parts[-1] in q0:
                q0 = q0[q0.rfind(parts[-1]):]  # …且近3年平均增速在20%以上: the second threshold's own words
            phrase = _strip_leading(re.split(r"[、]", parts[-1])[-1]) if phrase else ""
            new = re.match(rf"(?:{_NEW_FIRM_RE.pattern})的", phrase)
            if new and q0.startswith(phrase):
                # 新设的年服务进出口额达500万美元: the firm is new (a condition of its own, read from the words
                # left), the figure is 年服务进出口额
                phrase, q0 = phrase[new.end():], q0[new.end():]
            dim = unit_dimension(q.unit)
            at = s.find(q0)
            grows = re.match(r"(?:的)?增长", s[at + len(q0):]) if at >= 0 and q.unit in ("%", "‰") else None
            if grows and phrase:
                # 同比保持5%及以上增长 / 营业收入同比实现10%以上增长: the growth rate is the metric (同比增长), and the
                # 增长 after the number belongs to the threshold's quote, not to the next words' condition
                phrase = re.sub(r"(?:保持|实现|达到|达)$", "", phrase) + "增长"
                q0 = q0 + grows.group(0)
            metric = self.metric(phrase, dim, q.unit) if phrase else None
            c: dict[str, Any] = {}
            if metric:
                c["metric"] = metric
            else:
                reviews.append(f"指标：门槛「{q0}」未写明衡量什么，请选择指标")
                c["metric"] = None
            if op is None:
                reviews.append(f"条件：门槛「{q0}」未写比较方式（以上/超过/不低于），请确定")
            c["op"] = op or ">="
            c["value"] = q.value
            c["unit"] = q.unit if not q.foreign else q.unit
            c["quote"] = q0
            criteria.append(c)

    def _assign(self, s, inc, quotes, reviews, amounts, caps, rates, limits, thresholds) -> None:
        respectively = re.search(r"分别", s)
        # ---- rates
        if rates:
            g, q0, ceiling = rates[0]
            base_phrase = self._rate_base(s, g[0])
            self._base_phrase = base_phrase  # a figure, not a condition (`_conditions` leaves it out)
            matching = bool(re.search(r"配套|实际到位", s))
            phases = self._phases(s, rates, thresholds) if len(rates) == 2 else None
            if phases:
                # 前3年…100%，后2年…最高70%: one award whose rate changes with the year (docs/rules.md,
                # time-phased rate), not two levels
                inc["basis"] = "rate"
                inc["phases"] = phases
                quotes["phases"] = s[s.find(phases[0]["quote"]):s.find(phases[-1]["quote"]) + len(phases[-1]["quote"])]
            elif len(g) > 1 or len(rates) > 1:
                levels = self._levels(s, thresholds, [q for r in rates for q in r[0]]) or \
                    self._levels_by_title(s, thresholds, rates)
                inc["basis"] = "tiers"
                inc["tiers"] = levels or [{"label": q.raw, "rate_percent": q.value} for r in rates for q in r[0]]
                quotes["tiers"] = s
                if not levels:
                    reviews.append("档次：有多个比例，请为每个比例配上档次（门槛或称号）")
            else:
                inc["basis"] = "matching" if matching else "rate"
                key = "rate_permille" if g[0].unit == "‰" else "rate_percent"
                inc[key] = g[0].value
                quotes[key] = q0
                if ceiling:
                    inc["rate_ceiling"] = True
            plain = re.sub(r"\([^)]*\)|（[^）]*）", "", base_phrase)
            plain = re.sub(r"^(?:企业|其)?(?:给予|按照|按)", "", plain)
            rate_of_rate = re.search(r"(?:利率|费率|税率|比率|比例)$", plain or "")
            # 按照贷款基准利率的50%给予贴息: half of the interest at that rate, not 50% of a rate read as money
            metric = self.metric(plain, "money") if plain and not rate_of_rate else None
            if rate_of_rate:
                reviews.append(f"比例：「{plain}」是一个比率，不是金额；请把基数写成按它计算的金额（如贷款利息），或确认")
            inc["rate_base"] = metric
            quotes["rate_base"] = base_phrase or q0
            if not metric and not rate_of_rate:
                reviews.append(f"指标：比例基数「{base_phrase or q0}」请选择指标")
            excess = re.search(rf"超过({NUM})%的部分", s)
            if excess and float(excess.group(1)) != g[0].value or (excess and excess.start() < g[0].start):
                inc["rate_base_excess_over_percent_of"] = {"percent": _num(excess.group(1)), "metric": None}
                quotes["rate_base_excess_over_percent_of"] = excess.group(0)
                reviews.append("指标：比例适用于超过某一份额的部分，请写明其指标")
            for cap, cq, scope in caps:
                self._cap(inc, quotes, limits, cap, cq, scope, primary="cap_wan")
            return
        # ---- 分别 lists and tiers
        if amounts and (len(amounts[0][0]) > 1 or respectively):
            g, q0 = amounts[0]
            levels = self._levels(s, thresholds, g)
            if levels is None:
                reviews.append("档次：分别列出的金额未找到对应档次，请补上")
                levels = [{"label": q.raw, "amount_wan": q.wan} for q in g]
            inc["basis"] = "tiers"
            inc["tiers"] = levels
            quotes["tiers"] = s
            if re.search(r"不超过|最高", s[_clause_start(s, g[0].start, ",，;；"):g[0].start]):
                inc["ceiling"] = True
            for cap, cq, scope in caps:
                self._cap(inc, quotes, limits, cap, cq, scope, primary="cap_wan")
            return
        for g, _q in amounts:
            if g[0].foreign:
                reviews.append(f"币种：奖励金额为外币（{g[0].raw}），请确定按何币种支付")
        # ---- per-unit amounts (每辆3000元, 按每月每平方米最高50元, 300元/人次)
        if amounts and amounts[0][0][0].start in self._pu:
            g, q0 = amounts[0]
            pu = self._pu[g[0].start]
            inc["basis"] = "per_unit"
            inc["per_unit"] = pu["per_unit"]
            quotes["per_unit"] = q0
            if re.search(r"最高|不超过", q0[: q0.find(g[0].raw)] if g[0].raw in q0 else ""):
                inc["ceiling"] = True
            if pu["per_unit"].get("period") == "month":
                inc["frequency"] = "yearly"
                quotes.setdefault("frequency", pu["month_quote"])
            if pu["review"]:
                reviews.append(pu["review"])
            else:
                inc["_counted"] = True
            for cap, cq, scope in caps:
                self._cap(inc, quotes, limits, cap, cq, scope, primary="cap_wan")
            return
        # ---- 给予一次性奖励：国家级200万元，省级50万元，市级20万元: each amount a level of the title written before
        if len(amounts) >= 2 and all(len(g) == 1 for g, _ in amounts):
            words = [re.search(r"(国家级|省级|市级)[:：]?\s*$", s[max(0, g[0].start - 5):g[0].start]) for g, _ in amounts]
            subject = re.match(r"(?:对于?)(?:经|被)?(?:认定|评为|认定为|评定为)?(?:的)?([^,，;；:：\d]{2,16}?)(?:的)?[,，]", s)
            if all(words) and len({w.group(1) for w in words}) == len(words) and subject:
                title = self.title(subject.group(1), subject.group(0).rstrip(",，"))
                entry = self.titles.get(title)
                levels = [self._level_word(w.group(1)) for w in words]
                known = self.vocab.qualifications.get(title)
                if entry is not None:
                    entry["levels"] = list(dict.fromkeys([*entry["levels"], *levels]))
                if entry is not None or known is not None and all(lv in known[1] for lv in levels):
                    inc["basis"] = "tiers"
                    inc["tiers"] = [{"label": w.group(1), "qualification": title, "level": lv, "amount_wan": g[0].wan}
                                    for w, lv, (g, _q) in zip(words, levels, amounts)]
                    first, last = amounts[0][0][0], amounts[-1][0][0]
                    quotes["tiers"] = s[s.rfind(words[0].group(1), 0, first.start):last.end]
                    for cap, cq, scope in caps:
                        self._cap(inc, quotes, limits, cap, cq, scope, primary="cap_wan")
                    return
        # ---- fixed amounts (最高X万元: a ceiling; a-b万元: up to b, a kept)
        if amounts:
            g, q0 = amounts[0]
            inc["basis"] = "fixed"
            inc["amount_wan"] = g[0].wan
            quotes["amount_wan"] = q0
            lo = re.search(rf"({NUM})\s*(万元|亿元|元)?\s*(?:-|—|－|~|～|至|到)\s*$", s[:g[0].start])
            if lo:
                low = _Qty(0, 0, _num(lo.group(1)), lo.group(2) or g[0].unit, lo.group(0)).wan if g[0].money else None
                if low is not None and low < g[0].wan:
                    inc["amount_min_wan"] = low
                    inc["ceiling"] = True
                    start = min(lo.start(), s.find(q0)) if s.find(q0) >= 0 else lo.start()
                    quotes["amount_wan"] = quotes["amount_min_wan"] = s[start:_clause_end(s, g[0].end)]
            if len(amounts) > 1:
                reviews.append("拆分：一句中有多个金额，请拆为各自的奖励或选其一")
            for cap, cq, scope in caps:
                self._cap(inc, quotes, limits, cap, cq, scope, primary=None)
            return
        if caps:
            cap, cq, scope = caps[0]
            per = self._per_scope(scope + cq)
            if per is not None and per[0] == "budget":
                # 每年安排500万元资金 / 全市每年设立总额不超过…: a programme's budget; each award unstated
                inc["basis"] = "unspecified"
                inc["note"] = "the text states the programme's budget, not each award"
                quotes["basis"] = cq
                limits.append({"kind": "budget", "amount_wan": cap.wan, "per": "year", "quote": cq})
            else:
                inc["basis"] = "fixed"
                inc["amount_wan"] = cap.wan
                inc["ceiling"] = True
                quotes["amount_wan"] = cq
                if per is not None and per[0] == "annual_total_cap":
                    inc["frequency"] = "yearly"
            for cap2, cq2, scope2 in caps[1:]:
                self._cap(inc, quotes, limits, cap2, cq2, scope2, primary=None)

    def _per_scope(self, text: str) -> tuple[str, str | None] | None:
        if re.search(r"全市每年设立总额|每年安排", text):
            return "budget", "year"
        if re.search(r"单个(产品)", text):
            return "per_item_cap", "product"
        if re.search(r"单个参与企业", text):
            return "per_item_cap", "participant"
        if re.search(r"单个(项目)", text) and not re.search(r"年度", text):
            return "per_item_cap", "project"
        if re.search(r"单个服务商", text):
            return "per_item_cap", "provider"
        if re.search(r"(年度|每年)[^,，]*(累计|总额|总金额|扶持资金|扶持金额|补贴金额)|(累计|总额)[^,，]*年度", text) or \
                re.search(r"^(每年|年度)(最高|不超过)", text) or \
                re.search(r"(每家|每个|单个|同一家?)(企业|机构)[^,，]*(年度|每年)", text):
            return "annual_total_cap", "enterprise"
        if re.search(r"资助总额|累计不超过|总额不超过|累计最高", text):
            return "total_cap", None
        return None

    def _cap(self, inc, quotes, limits, cap: _Qty, cq: str, scope: str, primary: str | None) -> None:
        per = self._per_scope(scope) or self._per_scope(cq)
        if per is None and primary == "cap_wan" and "cap_wan" not in inc:
            inc["cap_wan"] = cap.wan
            quotes["cap_wan"] = cq
            return
        if per is None:
            if primary is None and inc.get("amount_wan") == cap.wan and "ceiling" not in inc:
                inc["ceiling"] = True  # 给予…奖励,最高50万元: the amount is a ceiling
                quotes.setdefault("ceiling", cq)
                return
            per = ("total_cap", None)
            inc.setdefault("_extra_reviews", []).append(f"上限：上限「{cq}」按什么计（每项、每年、总计）？")
        kind, p = per
        lim: dict[str, Any] = {"kind": kind, "amount_wan": cap.wan}
        if p and kind != "total_cap":
            lim["per"] = p
        lim["quote"] = cq
        limits.append(lim)

    def _rate_base(self, s: str, q: _Qty) -> str:
        head = s[:q.start]
        after = re.match(r"的([\u4e00-\u9fff]{2,6}?)(?:补贴|补助|资助|奖励)", s[q.end:])
        if after and re.search(r"给予(?:不超过|不高于|最高)?$", head) and not re.search(r"按照?|根据", head) \
                and not re.search(r"一次性|配套|资金|专项|性$", after.group(1)):
            return after.group(1)  # 给予50%的租金补贴: 50% of the rent
        found = list(re.finditer(r"(?:按照|按|根据|给予|(?<=可)获得(?:最高)?)(?:不超过|不高于)?(?:其)?", head))
        if found and not head[found[-1].end():].strip() and found[-1].start() > 0:
            # 企业当年研发投入较上年增长部分，按10%给予补助: the figure is the clause before (…部分/…额/…投入)
            before = head[:found[-1].start()].rstrip(",， ")
            prev = before[_clause_start(before, len(before), ",，;；"):]
            prev = re.sub(r"^(?:对于?|企业|其)", "", prev.strip())
            if re.search(r"(?:部分|金额|总额|费用|投入|收入|额)$", prev) and _cjk_len(prev) >= 4:
                return prev
        if not found:
            return ""
        m = found[-1]
        for cand in reversed(found):  # 按照其获得的扶持金额分别给予1:1: the last that names something
            rest = re.sub(r"(分别|的|不超过|不高于|的比例|标准|一次性)+", "", head[cand.end():])
            if _cjk_len(rest) >= 2:
                m = cand
                break
        phrase = head[m.end():]
        if m is not found[-1]:
            phrase = phrase[: phrase.rfind(found[-1].group(0))] if found[-1].group(0) in phrase else phrase
            phrase = re.sub(r"分别$", "", phrase)
        phrase = re.sub(r"(的|不超过|不高于|的比例|标准)+$", "", phrase)
        phrase = re.sub(r"^(不超过|不高于|其)+", "", phrase)
        return phrase.strip(",， ")

    def _levels_by_title(self, s: str, thresholds, rates) -> list[dict] | None:
        """入选省级的按…2%、3%、5%,入选国家级的按…2.2%、3.3%、5.5% after a list of thresholds:
        each rate list is the title's level, paired in order with the thresholds."""
        if len(rates) < 2:
            return None
        n = len(rates[0][0])
        mins = next((g for g, _q, _op, _ph in thresholds if len(g) == n), None)
        if mins is None or any(len(r[0]) != n for r in rates):
            return None
        out = []
        prev = 0
        for g, _q, _c in rates:
            lead = s[prev:g[0].start]
            lv = re.findall(r"(国家|省|市)级?", lead)
            if not lv:
                return None
            level = self._level_word(lv[-1])
            title = next((q["name"] for q in self._qualifications(s, []) if q.get("level") in (level, None)), None)
            for t, r in zip(mins, g):
                lvl = {"label": f"{lv[-1]}级 {t.raw}", "min": t.value, "unit": t.unit}
                if title:
                    lvl["qualification"] = title
                    lvl["level"] = level
                lvl["rate_percent"] = r.value
                out.append(lvl)
            prev = g[-1].end
        return out

    def _levels(self, s: str, thresholds, values: list[_Qty]) -> list[dict] | None:
        """Pair a 分别 list of amounts (or rates) with the list of levels before it, in order."""
        n = len(values)
        key = {"%": "rate_percent", "‰": "rate_permille"}.get(values[0].unit, "amount_wan")

        def val(q: _Qty):
            return q.wan if key == "amount_wan" else q.value

        # thresholds written as one list of the same length
        for g, q0, op, phrase in thresholds:
            if len(g) == n:
                out = []
                # the label names what the level measures: 年营业收入5亿元
                what = re.sub(r"首次|达到$|达$|在$", "", _strip_leading(re.split(r"[,，]", phrase or "")[-1]))
                for t, v in zip(g, values):
                    lvl = {"label": f"{what}{t.raw}", "min": t.value, "unit": t.unit, key: val(v)}
                    if op == ">":  # 首次超过1000万元、5000万元…: each level is more than its number (`_order`: tier_op)
                        lvl["min_op"] = ">"
                    out.append(lvl)
                return out
        head = s[: _clause_start(s, values[0].start, ",，;；")].rstrip(",，;；")
        # quoted titles: “单项冠军”示范企业、专精特新“小巨人”企业、“隐形冠军”企业
        m = re.search(r"(?:对|认定|评为|入选|获评)?[^,，;；]*$", head)
        seg = m.group(0) if m else head
        items = [x for x in re.split(r"、", re.sub(r"^(?:对)?(?:首次)?(?:经)?(?:认定|评为|入选|获评|获得)?(?:的)?", "", seg)) if x]
        # 获得国家级专利金奖、专利优秀奖的项目，分别给予15万元和10万元: the level before the list is every item's,
        # and the noun after it (的项目) is who holds them
        shared = re.match(r"(国家级|省级|市级)(?=[^、]{2})", items[0]) if len(items) > 1 and not any(
            re.match(r"(?:国家|省|市)级?", x.strip("“”\"")) for x in items[1:]) else None
        if shared and len(items) == n:
            items = [items[0][shared.end():], *items[1:]]
            items[-1] = re.sub(r"的(?:项目|企业|单位|机构|产品)$", "", items[-1])
        if len(items) == n and not any(re.match(r"(?:国家|省|市)级?", x.strip("“”\"")) for x in items):
            out = []
            for k, (it, v) in enumerate(zip(items, values)):
                _name, level = self._title(it)
                name = self.title(it, seg)  # a title the vocabulary lacks is proposed (the rules file's qualifications:)
                # the label as written (a quote of the text): the level word is written before the first item only
                lvl = {"label": (shared.group(1) if shared and k == 0 else "") + it.strip("“”\"的,，"), "qualification": name}
                if shared:
                    level = self._level_word(shared.group(1))
                if level:
                    lvl["level"] = level
                    entry = self.titles.get(name)
                    if entry is not None and level not in entry["levels"]:
                        entry["levels"].append(level)
                lvl[key] = val(v)
                out.append(lvl)
            return out
        # levels as words: 国家级、省级 X 分别
        lv = re.search(r"((?:国家级?|省级?|市级?)(?:、(?:国家级?|省级?|市级?))+)([^,，分]*)", s[: values[0].start])
        if lv:
            words = lv.group(1).split("、")
            if len(words) == n:
                noun = re.sub(r"的$", "", lv.group(2))
                name = self.title(noun, lv.group(0))  # a title the vocabulary lacks is proposed, with its levels
                entry = self.titles.get(name)
                if entry is not None:
                    entry["levels"] = list(dict.fromkeys([*entry["levels"], *(self._level_word(w) for w in words)]))
                return [{"label": w + noun, "qualification": name,
                         "level": self._level_word(w), key: val(v)} for w, v in zip(words, values)]
        return None

    @staticmethod
    def _level_word(w: str) -> str | None:
        return "national" if w.startswith("国") else "provincial" if w.startswith("省") else "municipal" if w.startswith("市") else None

    def _title(self, text: str) -> tuple[str, str | None]:
        """A qualification name for `text` from the vocabulary, else the text itself (marked later)."""
        plain = re.sub(r"[“”\"]", "", text)
        level = None
        lm = re.search(r"(国家级|省级|市级)", plain)
        if lm:
            level = self._level_word(lm.group(1))
        best = None
        for name, (aliases, _levels) in self.vocab.qualifications.items():
            for a in aliases:
                if a and a in plain and (best is None or len(a) > best[1]):
                    best = (name, len(a))
        return (best[0] if best else plain.strip("的,， ")), level

    # ---- frequency, qualifications, selection, references

    def _max_quantity(self, s: str, inc: dict, quotes: dict, criteria: list[dict]) -> None:
        """按每月每平方米最高50元…，补贴面积不超过500平方米: the area paid for is capped (per_unit.max_quantity), not
        a condition on the firm's area (a firm renting more is paid for 500)."""
        pu = inc.get("per_unit")
        if inc.get("basis") != "per_unit" or not pu or "max_quantity" in pu:
            return
        dim = self.vocab.metrics.get(pu.get("metric"), (None, None))[1] or \
            (self.proposed.get(pu.get("metric")) or {}).get("dimension")
        for c in list(criteria):
            q = c.get("quote") or ""
            if c.get("op") in ("<=", "<") and c.get("unit") and unit_dimension(c["unit"]) == dim and \
                    re.search(r"(?:补贴|补助|资助|奖励|支持)(?:面积|数量|人数)", q):
                criteria.remove(c)
                pu["max_quantity"] = c["value"]
                pu["quantity_unit"] = c["unit"]
                a, b = s.find(quotes.get("per_unit", "")), s.find(q)
                if a >= 0 and b >= 0:
                    lo, hi = min(a, b), max(a + len(quotes["per_unit"]), b + len(q))
                    quotes["per_unit"] = s[lo:hi]
                return

    def item_conditions(self, item: str) -> tuple[list[dict], list[dict], list[dict], list[str]] | None:
        """(criteria, qualifications, alternatives, questions) an item of a list of conditions states
        (2.服务电商企业50家以上,电商专业服务业务收入额不低于1000万元…的): read as who qualifies, as the words
        before an award verb are; None when a condition read is not a quote of the item."""
        body = re.sub(rf"^\s*{_MARK}\s*", "", item).rstrip("的;；。 ")
        probe = self.sentence(f"{body}的，给予奖励")  # the item as the subject of an award (only its words are quoted)
        if probe is None:
            return None
        crit = probe.get("criteria") or []
        quals = probe.get("qualifications") or []
        alts = probe.get("alternatives") or []
        quoted = [c.get("quote") or "" for c in crit] + [q.get("quote") or "" for q in quals] + \
            [c.get("quote") or "" for a in alts for c in a.get("criteria") or []]
        if not (crit or quals or alts) or any(q not in item for q in quoted):
            return None
        asks = [r for r in str(probe.get("review") or "").split("；")
                if r.startswith(("条件：", "指标：")) and not r.startswith("条件：本句未找到")]
        return crit, quals, alts, asks

    def listed_conditions(self, inc: dict, items: list["_Sentence"], text: str) -> None:
        """对满足以下两类要求之一的新电商服务企业，给予…。1.…;2.…: each item is an alternative (之一) or a condition
        that must hold; an item with 或 inside is its own alternatives (any of any). The items' text is quoted."""
        any_of = bool(_LIST_COND_RE.search(inc["quote"]).group(1))
        read = [self.item_conditions(it.text) for it in items]
        reviews = [r for r in str(inc.get("review") or "").split("；") if r and not r.startswith("条件：本句未找到")
                   and not ("指向别处写的条件" in r and _LIST_COND_RE.search(r))]
        if any(r is None for r in read):
            reviews.append("条件：「以下」各项条件未能全部读出，请按各项补上（之一：alternatives）")
            inc["review"] = "；".join(dict.fromkeys(reviews))
            return
        # the list's own words (满足以下两类要求之一的) name no condition; the kind of firm after them does
        def names_a_kind(c: dict) -> bool:
            return bool(re.search(r"(?:企业|公司|机构|单位|平台)$", c.get("quote") or ""))

        kept = []
        for c in inc.get("criteria") or []:
            m = _LIST_COND_RE.search(c.get("quote") or "")
            if m is None:
                kept.append(c)
                continue
            rest = re.sub(r"^的", "", c["quote"][m.end():])
            if _cjk_len(rest) >= 2 and not re.fullmatch(r"(?:企业|公司|单位|机构)", rest):
                kept.append({"metric": self.metric(rest, "flag"), "op": "==", "value": True, "quote": rest})
        if not any(names_a_kind(c) for c in kept):
            # 对满足以下两类要求之一的新电商服务企业，给予…: the kind of firm the sentence names after the list's words
            m = _LIST_COND_RE.search(inc["quote"])
            rest = re.sub(r"^的", "", re.split(r"[,，]", inc["quote"][m.end():])[0])
            if _cjk_len(rest) >= 2 and re.search(r"(?:企业|公司|机构|单位|平台)$", rest) and \
                    not re.fullmatch(r"(?:企业|公司|单位|机构)", rest):
                kept.append({"metric": self.metric(rest, "flag"), "op": "==", "value": True, "quote": rest})
        if kept:
            inc["criteria"] = kept
        else:
            inc.pop("criteria", None)
        if any_of:
            alts = []
            for it, (crit, quals, inner, asks) in zip(items, read):
                label = re.sub(rf"^\s*{_MARK}\s*", "", it.text)[:20]
                if inner:  # 帮助…,或帮助…,或…的: any of them is this item met
                    alts += [dict(a, label=a.get("label") or label) for a in inner]
                    if crit or quals:
                        reviews.append(f"条件：「{_quote_short(it.text)}」既有「或」又有共同条件，请确认")
                else:
                    alt: dict[str, Any] = {"label": label, "quote": it.text.strip()}
                    if crit:
                        alt["criteria"] = crit
                    if quals:
                        alt["qualifications"] = quals
                    alts.append(alt)
                reviews += asks
            inc["alternatives"] = alts
        else:
            for crit, quals, inner, asks in read:
                inc.setdefault("criteria", []).extend(crit)
                if quals:
                    inc.setdefault("qualifications", []).extend(quals)
                if inner:
                    reviews.append("条件：某一项内有「或」，本草稿未写入其选择，请补上（alternatives）")
                reviews += asks
        first, last = items[0], items[-1]
        inc.setdefault("quotes", {})["alternatives" if any_of else "criteria"] = text[first.start:last.start + len(last.text)]
        inc["review"] = "；".join(dict.fromkeys(reviews)) or None
        if inc["review"] is None:
            del inc["review"]

    def _outlay_cap(self, s: str, inc: dict, limits: list[dict]) -> None:
        """实际支付场租低于补贴标准的，按照实际支付场租进行补贴 / 补贴不超过企业实际支出 inside an award sentence: the
        award is at most the firm's own outlay (a whole-figure share cap, no percentage written), by the year
        when the award is paid by the year."""
        if inc.get("basis") in ("defers_to", "non_monetary", "unspecified", None):
            return
        m = re.search(r"(?:企业)?实际支付([^,，;；。]{1,6}?)低于补贴标准的[,，]?(?:按照?)实际支付\1(?:进行)?(?:补贴|补助)", s)
        phrase = f"实际支付{m.group(1)}" if m else None
        if m is None:
            m = re.search(r"(?<=[,，])(?:补贴|补助|奖励|资助)?(?:金额)?(?:不超过|不高于|不得超过|不得高于)(?:其|企业)?"
                          r"((?:企业)?实际(?:支出|发生|投入|缴纳|支付)[^,，;；。\d]{0,8}?)(?:的?(?:金额|总额|费用))?(?=[,，;；。]|$)", s)
            phrase = metric_phrase(m.group(1)) if m else None
        if m is None or any(x.get("quote") == m.group(0) for x in limits):
            return
        metric = self.metric(phrase, "money")
        if metric is None:
            return
        kind = "annual_total_cap" if inc.get("frequency") == "yearly" else "total_cap"
        limits.append({"kind": kind, "share_of": metric, "quote": m.group(0)})

    def _frequency(self, s: str, inc, quotes) -> None:
        m = re.search(r"一次性", s)
        y = re.search(r"(最长(?:不超过)?(?:补贴|补助|支持|资助|奖励)?|连续)(\d+|[一二两三四五六七八九十])年", s) or \
            re.search(r"(?<=给予)(?:企业)?(不超过)(\d+|[一二两三四五六七八九十])年的", s)  # 给予企业不超过3年的场租补贴
        n = r"(\d+|[一二两三四五六七八九十])"
        # 前3年…后2年 (a time-phased award: yearly over both spans), 5年内给予/补贴期限为3年 (yearly within N years)
        ph = re.search(rf"前{n}[个]?年[^。;；]*?后{n}[个]?年", s)
        span = None if y or ph else (
            re.search(rf"(?:期限|年限)[为是]?{n}年", s)
            or re.search(rf"(?<![\d一二两三四五六七八九十]){n}年内(?=[,，]?(?:根据|按照?|给予|享受|每年))", s))
        if ph and y and not m:
            inc["_phase_years"] = [int(g) if g.isdigit() else _cn_value(g) for g in ph.groups()]
            inc.setdefault("_extra_reviews", []).append(
                f"比例：「{ph.group(0)[:30]}」前后两段年份的比例不同（分段比例），本草稿未按年份分段，请确认")
        elif ph and not m:
            first, second = (int(g) if g.isdigit() else _cn_value(g) for g in ph.groups())
            inc["frequency"] = "yearly"  # the total span (first + second) is no number of the text: not max_years
            quotes["frequency"] = ph.group(0)
            inc["_phase_years"] = [first, second]
            inc.setdefault("_extra_reviews", []).append(
                f"比例：「{ph.group(0)[:30]}」前后两段年份的比例不同（分段比例），本草稿未按年份分段，请确认")
            return
        if span and not m:
            g = span.group(1)
            inc["frequency"] = "yearly"
            inc["max_years"] = int(g) if g.isdigit() else _cn_value(g)
            quotes["frequency"] = quotes["max_years"] = span.group(0)
            return
        each = re.search(r"单笔|每笔|每次|退出时", s)
        if m and each:  # 退出时一次性给予…，单笔奖励最高…: a lump sum for each exit or deal, not once per firm
            inc["frequency"] = "per_award"
            quotes["frequency"] = each.group(0)
        elif m:
            inc["frequency"] = "once"
            quotes["frequency"] = m.group(0)
            if re.search(r"该年度|每年(?!评|认定|遴选|择优|安排)|年度[^,，]{0,6}一次性", s):
                inc.setdefault("_extra_reviews", []).append(
                    "频次：写有「一次性」也写有年度，请确定是一次还是每年可得")
        elif y or re.search(r"每年(?:给予|按|对)|每年[^,，]{0,12}给予|按年度|每年[^,，]{0,8}最高|每(?:人|家|个)每年", s):
            inc["frequency"] = "yearly"  # 每年最高: a yearly amount (bench/gold/README.md)
            quotes["frequency"] = (y or re.search(r"每(?:人|家|个)每年|每年|按年度", s)).group(0)
        elif inc.get("basis") in ("rate", "matching") and (
                yc := re.search(r"(?:单一|每个|每一)年度[^,，。;；]{0,12}?(?:合计|累计)?(?:不超过|最高)", s)):
            # 按其…收入的5%给予奖励，每个机构单一年度该项奖励金额合计不超过200万元: a share of a year's figure,
            # capped by the year: paid by the year
            inc["frequency"] = "yearly"
            quotes["frequency"] = yc.group(0)
        else:
            ev = re.search(r"(?<!后备)(?<!首次)上市(?!企业|公司|产品|新品)|挂牌|进入(?:创新层|精选层)", s)
            if ev and "frequency" not in inc:
                inc["frequency"] = "once"  # a listing happens once
                quotes["frequency"] = ev.group(0)
            inc.setdefault("frequency", "per_award")  # docs/rules.md: per_award is "not stated"
            each = re.search(r"每(?:辆|件|台|艘|架|套|笔|宗|单|个项目|个平台|个服务商)|单(?:个项目|笔|船|机|宗)|"
                             r"同一项目|按[^,，。]{0,8}合同(?:金)?额|元/(?:件|辆|台|艘|架|套|笔|宗|单|项|次|人次|标箱|TEU)", s)
            if each and "frequency" not in quotes and inc["frequency"] == "per_award":
                quotes["frequency"] = each.group(0)  # paid per item (each car, each project, each contract)
            if "frequency" not in quotes:  # a period not written is a guess either way (issue 18: flagged)
                inc.setdefault("_extra_reviews", []).append("频次：未写明频次（一次性、每年或每次），请确定")
        if y:
            years = y.group(2)
            inc["frequency"] = "yearly"
            inc["max_years"] = int(years) if years.isdigit() else _cn_value(years)
            quotes["max_years"] = y.group(0)

    def _qualifications(self, s: str, reviews: list[str]) -> list[dict]:
        out: list[dict] = []
        seen = set()
        for name, (aliases, levels) in self.vocab.qualifications.items():
            for a in sorted(aliases, key=len, reverse=True):
                i = s.find(a)
                if i < 0:
                    continue
                # 国家级、省级 / 国家、省级 before the title: one entry per level
                pre = s[max(0, i - 10):i]
                lv_words = re.findall(r"(国家|省|市)(?:级)?", pre)
                lvls = [self._level_word(w) for w in lv_words] or [levels[0] if len(levels) == 1 else None]
                for lv in dict.fromkeys(lvls):
                    if lv and levels and lv not in levels:
                        lv = None
                    if (name, lv) in seen:
                        continue
                    seen.add((name, lv))
                    q: dict[str, Any] = {"name": name}
                    if lv:
                        q["level"] = lv
                    q["quote"] = a
                    if lv and lv_words:
                        start = i - len(pre) + pre.find(next(w for w in ("国家", "省", "市") if w in pre))
                        q["quote"] = s[start:i + len(a)]
                    out.append(q)
                break
        # a title the vocabulary does not know: “X” after 认定/评为/入选/获评
        for m in re.finditer(r"(?:认定|评为|入选|获评|获得)(?:的|为)?(?:国家级|省级|市级)?“([^”]{2,20})”", s):
            title = m.group(1)
            if not any(title in a or a in title for q in out for a in self.vocab.qualifications.get(q["name"], ((q["name"],), ()))[0]):
                out.append({"name": title, "quote": m.group(0)})
                reviews.append(f"条件：称号“{title}”请加入 qualifications（或对应到已知称号）")
        # 对当年新获得国家级检验检测认证的机构: a title at a level, unquoted, held by whom the award is for
        if not out:
            for m in re.finditer(r"获得(?:的)?(国家级|省级|市级)([^,，;；、的“”\d]{2,16}?)的(?=机构|企业|单位)", s):
                level = self._level_word(m.group(1))
                name = self.title(m.group(2), m.group(0))
                entry = self.titles.get(name)
                if entry is not None and level not in entry["levels"]:
                    entry["levels"].append(level)
                known = self.vocab.qualifications.get(name)
                if known is not None and level not in known[1]:
                    continue  # a level the known title does not have: left to the words (a condition, asked)
                out.append({"name": name, "level": level, "quote": m.group(1) + m.group(2)})
        if len(out) > 1 and re.search(r"或|之一|任一", s):
            reviews.append("条件：有多个称号，请确定须全部具备还是具备其一（qualifications_mode）")
        return out

    def _selection(self, s: str, reviews: list[str]) -> dict | None:
        m = re.search(r"每年(?:评选|评定|认定|遴选|择优评选|择优遴选)?(?:[^,，\d]{0,10})?不超过(\d+)(?:个|家|项|名)", s)
        if m:
            method = re.search(r"(择优|评选|评定|认定|遴选)", m.group(0))
            sel = {"quota": int(m.group(1)), "per": "year", "quote": m.group(0)}
            if method:
                sel = {"method": method.group(1), **sel}
            return sel
        m = re.search(r"前(\d+)(?:家|名|位)", s)
        if m and re.search(r"排名|排行", s):
            return {"method": "排名", "quota": int(m.group(1)), "quote": s[m.start(): s.find(")", m.end()) + 1 if ")" in s[m.end():] else m.end()]}
        m = re.search(r"排名前[一二两三四五六七八九十]+", s)
        if m:  # 排名前十的企业: a ranking by the agency (the quota, written in words, stays in the quote)
            return {"method": "排名", "quote": m.group(0)}
        m = re.search(r"通过测算[^,，;；]{0,20}|研究确定|根据其经济效益[^,，;；]{0,10}", s)
        if m:  # the agency works out whether or how much (bench/gold/README.md: selection)
            return {"method": "评定", "quote": m.group(0)}
        m = re.search(r"择优[^,，]{0,20}|(?:经认定|遴选)[^,，]{0,12}|评选一批[^,，]{0,16}|每年评选[^,，\d]{0,16}|"
                      r"经(?:评定|评审|评估)|经[^,，。;；]{2,12}?(?:评审|评估|审定)后?|(?<!星级)评定", s)
        if m:
            method = re.search(r"(择优|认定|遴选|评选|评定|评审|评估|审定)", m.group(0)).group(1)
            method = {"评审": "评定", "评估": "评定"}.get(method, method)
            return {"method": method, "quote": m.group(0)}
        return None

    def _defers(self, s: str, m: re.Match, reviews: list[str]) -> dict:
        quote = m.group(1)
        doc_no = re.search(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号", quote)
        if doc_no:
            return {"document": doc_no.group(0), "quote": quote}
        for ref in self.prov.references:
            if ref.target_kind == "policy" and ref.as_written and ref.as_written in s:
                return {"policy": ref.policy_number, "quote": quote}
        name = re.search(r"《([^》]+)》|“([^”]+)”", quote)
        if name:
            reviews.append("依据：所依据的政策有名称但未确定，请给出文号或政策编号")
            return {"unnamed": name.group(1) or name.group(2), "quote": quote}
        reviews.append("依据：依据的其他政策本文未写明，请查明")
        return {"unnamed": quote, "quote": quote}


# --------------------------------------------------------------------------- provision and document


def draft_provision(prov: ProvisionText, vocab: Vocabulary | None = None, proposed: dict | None = None) -> list[dict]:
    """The incentives one provision states, drafted, in document order, with ids ``<seq>.<n>``.

    `proposed` collects the metrics the draft names that data/metrics.yaml lacks (key -> entry of a
    rules file's ``metrics:``); `draft_documents` writes them in the file's ``metrics:`` block.
    """
    vocab = vocab or default_vocabulary()
    d = _Draft(prov, vocab, proposed)
    out: list[dict] = []
    text = prov.text
    doc_limits = _provision_limits(text)
    caps: list[tuple[dict, int]] = []  # (limit with its scope, its place)
    header: dict | None = None  # a heading's condition, inherited by the items under it
    sents = _joined_heads(text, _sentences(text))
    sents, header_caps = _capped_headers(sents, d)
    enveloped = bool(_ENVELOPE_RE.search(text))
    listed = _listed_conditions(text, sents)  # 满足以下两类要求之一…。1.…;2.…: sentence start -> its items
    consumed = {item.start for items in listed.values() for item in items}
    highest: list[tuple[str, int]] = []  # 仅对最高级别的奖项给予奖励: sentences saying only the highest is paid
    for si, sent in enumerate(sents):
      if sent.start in consumed:
          continue  # an item of the conditions a sentence before lists (read with its award)
      if enveloped and _ENVELOPE_RE.search(sent.text):
          continue  # (二)最高3000万元科研条件建设补助：…详见本办法第九条、第十条: a cap over those articles (draft_documents)
      if enveloped and _ENVELOPE_HEAD_RE.search(sent.text):
          # …的新型研发机构，…分期合计投入最高1亿元的建设运行费，经费构成包括：: the cap over the items (draft_documents)
          # and, by its subject, who the items are for
          subject = _ENVELOPE_SUBJECT_RE.search(sent.text)
          header = {"quote": subject.group(1), "mark": None} if subject else None
          continue
      if _HIGHEST_ONLY_RE.search(sent.text) and not [q for q in _quantities(sent.text) if q.money or q.unit in ("%", "‰")]:
          # 同一专利项目同时获得多个级别的专利奖项时，仅对最高级别的奖项给予奖励: how the awards before combine, no award
          highest.append((sent.text, sent.start))
          continue
      upto = _UPTO_ITEM_RE.fullmatch(sent.text.strip())
      if upto is not None:
          # (一)最高2000万元落户奖励: an award named by its item, up to the amount (who and how often: the header, asked)
          q = _Qty(0, 0, _num(upto.group(1)), upto.group(2), upto.group(1) + upto.group(2))
          inc = {"quote": sent.text.strip(), "kind": re.search(r"奖励|补助|补贴|资助|扶持$", upto.group(3)).group(0),
                 "payer": "unstated", "recipient": "enterprise", "basis": "fixed", "amount_wan": q.wan, "ceiling": True,
                 "frequency": "per_award", "_award_of": re.sub(r"(?:奖励|补助|补贴|资助|扶持)$", "", upto.group(3)),
                 "quotes": {"amount_wan": upto.group(0)[upto.group(0).find("最高"):]},
                 "review": "频次：未写明频次（一次性、每年或每次），请确定"}
          start = text.find(inc["quote"], sent.start)
          inc["_span"] = (start, start + len(inc["quote"]), text.count("\n", 0, max(0, start)))
          if header is not None:
              key = d.metric(header["quote"], "flag")
              inc["criteria"] = [{"metric": key, "op": "==", "value": True, "quote": header["quote"]}]
          else:
              inc["review"] += "；条件：本句未找到申请条件，请补上谁可申请（指标、称号或评定，可能写在相邻句中）"
          out.append(inc)
          continue
      if sent.start in header_caps:  # 对…进行资助，每个单位年资助总额不超过300万元：其中，…: a cap over the items under it
          caps.append((header_caps[sent.start], sent.start))
          continue
      kind = _mark_kind(sent.text)
      if header is not None and kind is not None and header.get("mark") == kind:
          header = None  # the next item of the heading's own level: its conditions end there
      if header is not None and header.get("lead") and not _condition_led(sent.text):
          header = None  # 对…的企业给予补贴。租赁场地的，…；自建…的，…: its cases end at a sentence of its own
      head = _heading_condition(sent.text)
      if head is None and si + 1 < len(sents):
          head = _item_header(sent.text, sents[si + 1].text)
      if head is None and si + 1 < len(sents):
          head = _award_header(sent.text, sents[si + 1].text, d)
      if head is not None:
          header = dict(head, mark=kind)
          continue
      cap = _cap_sentence(sent.text, d)
      para = text.count("\n", 0, sent.start)
      if cap is not None and (cap["scope"] == "before" and out or any(i["_span"][2] == para for i in out)):
          caps.append((cap, sent.start))
          continue
      for part in _award_parts(sent.text):
        para = text.count("\n", 0, sent.start)
        if re.match(r"^(?:其中[,，])?[^,，。]{0,12}可选择", part) and out and out[-1]["_span"][2] == para:
            # 其中，港澳籍人才可选择按照…给予奖励: another way to compute the award before it, not an award
            prev = out[-1]
            prev.setdefault("quotes", {})[f"option{sum(1 for k in prev['quotes'] if k.startswith('option')) + 1}"] = part
            prev["review"] = "；".join(dict.fromkeys(filter(None, [
                prev.get("review"), f"比例：另有可选的计算方式「{part[:40]}」，本草稿未写入，请补上或确认"])))
            continue
        inc = d.sentence(part)
        if inc is None:
            continue
        prev = out[-1] if out and out[-1]["_span"][1] <= text.find(part, sent.start) and \
            out[-1]["_span"][0] >= sent.start else None
        if prev is not None and re.search(r"额外给予|再给予|另给予", part):
            # …挂牌…给予150万元奖励,成功进入创新层的,额外给予200万元奖励: on top of the award before it in the
            # same sentence, so for the same firms (its conditions carried over, a reading: asked)
            own = {c.get("quote") for c in inc.get("criteria") or []}
            carried = [dict(c) for c in prev.get("criteria") or [] if c.get("quote") not in own]
            if carried:
                inc["criteria"] = carried + list(inc.get("criteria") or [])
                inc["review"] = "；".join(dict.fromkeys(filter(None, [
                    inc.get("review"), "条件：「额外/再给予」在前一项奖励之上，已沿用其条件，请确认"])))
        if sent.start in listed and _LIST_COND_RE.search(part):
            d.listed_conditions(inc, listed[sent.start], text)
        extra = inc.pop("_extra_reviews", [])
        if inc.get("phases"):  # the phases are drafted: the question that they were not goes
            extra = [e for e in extra if "分段比例" not in e]
        if extra:
            inc["review"] = "；".join(dict.fromkeys(filter(None, [inc.get("review"), *extra])))
        start = text.find(inc["quote"], sent.start)
        inc["_span"] = (start, start + len(inc["quote"]), text.count("\n", 0, max(0, start)))
        if header is not None and inc.get("basis") not in ("non_monetary", "defers_to") and header.get("criteria"):
            # 对…年度营业收入超过500万元…的企业给予奖励： then (一)…(二)…: the header's own criteria hold for each item
            own = "".join(c.get("quote") or "" for c in inc.get("criteria") or []) + inc["quote"]
            inc["criteria"] = [dict(c) for c in header["criteria"] if c.get("quote") not in own] + \
                list(inc.get("criteria") or [])
            if header.get("qualifications"):
                inc["qualifications"] = [dict(q) for q in header["qualifications"]] + list(inc.get("qualifications") or [])
            _drop_no_condition_question(inc)
        elif header is not None and inc.get("basis") not in ("non_monetary", "defers_to"):
            own = "".join(c.get("quote") or "" for c in inc.get("criteria") or []) + inc["quote"]
            if header["quote"] not in own:
                key = d.metric(header["quote"], "flag")
                inc["criteria"] = [{"metric": key, "op": "==", "value": True, "quote": header["quote"]},
                                   *(inc.get("criteria") or [])]
                _drop_no_condition_question(inc)
        last = out[-1] if out and out[-1]["_span"][2] == text.count("\n", 0, sent.start) else None
        if last is not None and re.match(r"(?:原有|现有|已落户|存量)(?:的)?企业", part) and \
                any(_NEW_FIRM_RE.fullmatch(c.get("quote") or "")
                    for c in last.get("criteria") or []):
            # 对新设的…企业…，前三年…;原有企业按…增量部分的50%: the same kinds of firm, not new ones (a reading:
            # the text writes the kinds for the new firms only; asked)
            own = {c.get("quote") for c in inc.get("criteria") or []}
            carried = [dict(c) for c in last.get("criteria") or []
                       if c.get("quote") not in own and not _NEW_FIRM_RE.fullmatch(c.get("quote") or "")]
            inc["criteria"] = carried + list(inc.get("criteria") or [])
            for key in ("alternatives", "qualifications"):
                if last.get(key) and not inc.get(key):
                    inc[key] = copy.deepcopy(last[key])
            inc["review"] = "；".join(dict.fromkeys(filter(None, [
                inc.get("review"), "条件：「原有企业」沿用前句为新设企业写的条件（企业类型、门槛），请确认"])))
        if header is None and out and out[-1]["_span"][2] == inc["_span"][2] and _condition_led(part):
            # 对新落户及认定的金融企业，在我区租用…的，按…补贴。在我区购置…的，按…补贴: a case with no subject
            # of its own is for the subject of the award before it in the paragraph
            subject = _subject_clause(out[-1]["quote"])
            own = "".join(c.get("quote") or "" for c in inc.get("criteria") or [])
            carried = [dict(c) for c in out[-1].get("criteria") or []
                       if subject and c.get("quote") and c["quote"] in subject and c["quote"] not in own]
            if carried:
                inc["criteria"] = carried + list(inc.get("criteria") or [])
                _drop_no_condition_question(inc)
        out.extend(_split_by_title(inc, progression=any(x["kind"] == "tier_difference" for x in doc_limits)))
    out = _merge_title_levels(_merge_title_grid(_merge_level_runs(out, text, d), text), text, d)
    for sentence, at in highest:
        before = [inc for inc in out if inc["_span"][1] <= at and inc.get("basis") not in ("non_monetary", "defers_to")]
        if before and before[-1].get("basis") == "tiers":  # the tiers pay the highest level held: what it says
            before[-1].setdefault("quotes", {})["highest_only"] = sentence
            # the merge into one award paying the highest is what the text says: no longer a reading to confirm
            _drop_questions(before[-1], "档次：")
        elif before:
            before[-1]["review"] = "；".join(dict.fromkeys(filter(None, [
                before[-1].get("review"), f"档次：「{_quote_short(sentence)}」只按最高一项支付，本草稿未合并各项，请确认"])))
    for n, (cap, at) in enumerate(caps, 1):
        _attach_cap(cap, at, out, text, f"{prov.seq}-cap{n}")
    for lim in doc_limits:
        if lim["kind"] == "one_per_year":
            lim["group"] = f"{prov.seq}-one-per-year"
        # a limit stated apart from the award sentences (补助资金均按进档差额执行) binds each of them
        for inc in out:
            if inc.get("basis") in ("fixed", "tiers", "rate", "matching") and lim["quote"] not in inc["quote"]:
                inc.setdefault("limits", []).append(dict(lim))
    for inc in out:
        for lim in _sentence_limits(inc["quote"]):
            if not any(x["kind"] == lim["kind"] for x in inc.get("limits") or []):
                inc.setdefault("limits", []).append(lim)
    for inc in out:
        one = next((x for x in inc.get("limits") or [] if x["kind"] == "one_per_year"
                    and _PER_YEAR_ONE_RE.fullmatch(x["quote"])), None)
        if one is not None and inc.get("frequency") == "per_award" and "frequency" not in (inc.get("quotes") or {}):
            # 每年可申请一项: paid per application, at most one a year: the frequency is written
            inc.setdefault("quotes", {})["frequency"] = one["quote"]
            _drop_questions(inc, "频次：未写明频次")
        phase_years = {float(v) for v in inc.pop("_phase_years", [])}
        others = {round(float(v), 6) for v in inc.pop("_others_wan", [])}

        def _others(u: str) -> bool:  # another title's amount of the same 分别 list (`_split_by_title`)
            qs = _quantities(u)
            return len(qs) == 1 and qs[0].money and round(float(qs[0].wan), 6) in others
        # (近3年平均增速 keeps its 3年 question: a window read only into a metric's name can hide a wrong metric)
        unread = [u for u in _unread_numbers(inc)
                  if not (re.fullmatch(r"\d+年", u) and float(u[:-1]) in phase_years)  # the spans of 前N年/后M年
                  and not _others(u)]
        if unread:
            inc["review"] = "；".join(dict.fromkeys(filter(None, [
                inc.get("review"), f"金额：「{'、'.join(unread)}」未读入任何字段，请核对其作用"])))
    result = []
    for n, inc in enumerate(out, 1):
        inc.pop("_span", None)
        title = inc.pop("_award_of", None)
        ordered = {"id": f"{prov.seq}.{n}", "provision": prov.seq,
                   "name": f"{title}{inc.get('kind') or '奖励'}" if title else _name(inc, prov)}
        ordered.update(inc)
        problems = numbers_outside_quotes(ordered)
        if problems:
            raise DraftInvariantError("; ".join(problems))
        result.append(_order(ordered, d.metric))
    return result


_AWARD_CLAUSE_RE = re.compile(rf"(?:给予|奖励)[^,，;；]*?(?<!最高)(?<!不超过)({NUM})\s*(?:万元|亿元|元|%)"
                              rf"|(?:资助|补贴|补助|奖励)({NUM})\s*(?:万元|元)/")  # 申请费资助1000元/件，获得授权后资助8000元/件


_HEAD_END_RE = re.compile(r"(?:给予|予以)[^，,。;；\d%]{0,12}(?:奖励|补贴|补助|扶持|资助|支持)$")
_SUBJECTLESS_RE = re.compile(r"^(?:前(?:\d+|[一二两三四五六七八九十])个?年|按照?|根据|给予|奖励标准[为是]?)")


def _joined_heads(text: str, sents: list[_Sentence]) -> list[_Sentence]:
    """An award named without its amount (对…企业，自落户当年起给予经营贡献奖励。) and, in the same paragraph,
    the sentence that gives the amount without a subject of its own (前3年按…100%给予奖励，后2年…): one award,
    drafted as one span of the text (its quote), so the amount keeps the conditions and the start year."""
    out: list[_Sentence] = []
    skip = False
    for i, sent in enumerate(sents):
        if skip:
            skip = False
            continue
        nxt = sents[i + 1] if i + 1 < len(sents) else None
        if nxt is not None and _HEAD_END_RE.search(sent.text) and \
                not [q for q in _quantities(sent.text) if q.money or q.unit in ("%", "‰") or q.foreign] and \
                "\n" not in text[sent.start:nxt.start] and _SUBJECTLESS_RE.match(nxt.text) and \
                [q for q in _quantities(nxt.text) if q.money or q.unit in ("%", "‰")]:
            out.append(_Sentence(text[sent.start:nxt.start + len(nxt.text)], sent.start))
            skip = True
            continue
        out.append(sent)
    return out


def _award_parts(sent: str) -> list[str]:
    """Split a sentence that states several awards, each its own 给予 clause with its own amount.

    成功进入创新层的,额外给予200万元奖励 after …给予150万元奖励; 前三年按…95%给予奖励,后两年给予50%的奖励.
    Not split: a 分别 list, or a cap clause (其中单个参与企业最高补助500万元).
    """
    if "分别" in sent:
        return [sent]
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,，]+", sent)]
    awarding = [i for i, (a, b) in enumerate(clauses) if _AWARD_CLAUSE_RE.search(sent[a:b])
                and not re.search(r"最高|不超过|上限", sent[a:b])]
    if len(awarding) < 2:
        return [sent]
    parts, start = [], 0
    for i in awarding[:-1]:
        if re.match(r"\s*后(?:\d+|[一二两三四五六七八九十])个?年", sent[clauses[i + 1][0]:]) and \
                re.search(r"前(?:\d+|[一二两三四五六七八九十])个?年", sent[start:clauses[i][1]]):
            continue  # 前3年给予…100%,后2年给予…50%: the years of one phased award, not two awards
        end = clauses[i][1]
        parts.append(sent[start:end])
        start = end + 1
    parts.append(sent[start:])
    return [p for p in parts if p.strip()]


# --------------------------------------------------------------------------- the pass over a provision

_CAP_WORD_RE = re.compile(rf"(?:最高不超过|最高不高于|不超过|不高于|最高为|最高|上限为|以)(?:其|企业)?\s*({NUM})\s*(万元|亿元|元)(?:为上限|封顶)?")
_WHOLE_SHARE_RE = re.compile(r"(?:不超过|不高于|不得超过|不得高于)(?:其|企业)?((?:企业)?实际(?:支出|发生|投入|缴纳|支付)[^,，;；。]{0,8}?)"
                             r"(?:的?(?:金额|总额|费用))?$")
_SHARE_RE = re.compile(rf"(?:不超过|不高于|最高为|最高不超过)(?:其|企业)?([^,，;；。]{{2,30}}?)的?({NUM})%")
_SCOPE_RE = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.、．])?(上述|以上|前述|各项|本条|本款|(两|三|四|二)项)")


_MARK = r"(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])"


def _heading_condition(s: str) -> dict | None:
    """A heading whose items follow: "(二)重点发展的金融企业。" (a bare heading) or "对利用资本市场融资发展的企业按
    以下标准给予奖励：" (a header sentence). Its subject is a condition of every item under it."""
    t = s.strip().rstrip("。")
    m = re.fullmatch(rf"{_MARK}\s*([^\d,，;；:：。]{{2,20}})", t)
    if m and not _AWARD_RE.search(m.group(1)):
        subject = re.sub(r"^(?:大力|积极)?(?:支持|鼓励|引导)(?:设立|发展|建设|引进)?", "", m.group(1))
        return {"quote": subject} if _cjk_len(subject) >= 2 else None
    m = re.fullmatch(r"(?:对于|对)?([^\d,，;；]{2,30}?)(?:的企业)?[,，]?(?:按照?|符合|参照)?(?:以下|下列)[^\d]{0,12}[:：]", t)
    if m:
        subject = re.sub(r"^(?:对于|对)", "", t[: m.end(1)])
        subject = re.sub(r"的$", "", subject)
        if _cjk_len(subject) >= 2:
            return {"quote": t[t.find(subject): t.find(subject) + len(subject) + (3 if t[t.find(subject) + len(subject):].startswith("的企业") else 0)]}
    return None


def _enterprise_subject(s: str) -> str | None:
    """The words saying the one who applies is the firm itself, when the text says so: the last clause before
    the award verb that names who qualifies ends in 企业/公司/机构 written as 对…X企业 or …的X企业
    (对…平台的企业, 注册在区内…的单机类项目子公司), or the sentence opens with a firm doing something
    (融资租赁企业为区内企业提供…, 股权投资基金企业投资于…). A project, product, platform or park named there
    instead leaves the recipient asked."""
    verb = next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None)
    head = s[:verb.start()] if verb else ""
    head = re.sub(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])", "", head)
    lead = re.match(r"(?:对于?)?[^,，的]{2,20}?(?:企业|公司)(?=为|在|投资|开展|购买|通过|实施)", head)
    if lead:
        return lead.group(0)
    last = None
    for m in re.finditer(r"[^,，;；]+", head):
        clause = re.sub(r"[(（][^()（）]*[)）]$", "", m.group(0).strip())
        noun = re.search(r"(企业|公司|机构|项目|产品|平台|园区|基地|小镇|APP|模型|实验室|载体)$", clause)
        if noun:
            last = (clause, noun.group(1))
    if last and last[1] in ("企业", "公司", "机构") and re.search(r"(?:^对于?|的)[^的]{0,20}$", last[0]):
        return last[0]
    return None


def _project_subject(s: str) -> tuple[str, str] | None:
    """(the clause, the project's noun) when the sentence's subject is a project: the last clause before
    the award verb ends in 项目, written 对…项目 or …的…项目 (对年度实际投资额500万元以上的技术改造项目,
    对经认定的数字化攻关项目). The noun is what follows the clause's last 的 (技术改造项目), or, for a bare
    …的项目, the words before it (金融改革试点项目). None for a firm, a product, a platform or a park."""
    verb = next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None)
    if verb is None:  # 每个平台奖励金额不超过100万元: the award named as a noun
        verb = re.search(r"(?:奖励|补助|补贴|资助)(?:金额|资金)", s)
    head = s[:verb.start()] if verb else ""
    head = re.sub(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])", "", head)
    clauses = [m.group(0).strip() for m in re.finditer(r"[^,，;；]+", head)]
    clause = next((c for c in reversed(clauses) if re.search(r"项目$", c)), None)
    chosen = re.fullmatch(r"(?:每年)?(?:择优)?(?:评选|评定|遴选)(?:出)?(?:不超过\d+[个项家])?(?:一批|若干|优秀)?"
                          r"(?:市级|区级)?([^,，的\d]{2,20}项目)", clause or "")
    if chosen and _cjk_len(chosen.group(1)) >= 4 and clause is not clauses[-1] and \
            re.fullmatch(r"(?:每个|单个)(?:平台|项目)", clauses[-1]):
        # 每年评选优秀服务平台项目，每个平台奖励…: the amount is each project's, so the projects chosen are paid
        return clause, chosen.group(1)
    if clause is None or not re.match(r"对于?", clause) and "的" not in clause:
        return None
    if clause is not clauses[-1] and not re.fullmatch(r"(?:按照?|根据)[^,，]*|(?:每年|当年|一次性)", clauses[-1]):
        return None  # another clause comes between the project and the verb: not plainly its subject
    tail = re.split(r"的", clause)[-1]
    tail = re.sub(r"^对于?", "", tail)
    if _cjk_len(tail) <= 2:  # …的项目: named by the words before
        before = re.split(r"的", clause)[-2] if "的" in clause else ""
        tail = re.sub(r"^对于?", "", re.split(r"[、及和]", before)[-1]) + "项目"
        if re.match(r"对于?获得", before):  # 对获得国家级专利金奖、专利优秀奖的项目: a project that won them
            tail = "获奖项目"
    name = re.sub(r"[“”\"()（）]", "", tail)
    if _cjk_len(name) < 4 or re.search(r"\d", name):
        return None
    return clause, name


def _mark_kind(s: str) -> str | None:
    """The kind of item mark a sentence begins with: 一、 / (一) / 1. (None without one)."""
    if re.match(r"[一二三四五六七八九十]+、", s):
        return "cn"
    if re.match(r"[(（][一二三四五六七八九十]+[)）]", s):
        return "paren"
    if re.match(r"\d+[.．、]", s):
        return "digit"
    return None


def _item_header(s: str, following: str) -> dict | None:
    """An item that only says whom its numbered sub-items are for: "(一)对于未享受落户奖及经济贡献奖的融资租赁企业，
    包括…，对相关业务给予扶持。" then "1.…". No money or rate of its own; its subject (对于X的Y) is a condition of
    every sub-item under it."""
    kind = _mark_kind(s)
    if kind is None or kind == "digit" or _mark_kind(following) != "digit":
        return None
    if any(q.money or q.unit in ("%", "‰") or q.foreign for q in _quantities(s)):
        return None
    m = re.match(rf"{_MARK}\s*(?:对于|对)([^,，;；:：。]{{2,40}}?的[^,，;；:：。]{{1,20}})[,，]", s)
    if not m or _cjk_len(m.group(1)) < 4:
        return None
    return {"quote": m.group(1)}


def _award_header(s: str, following: str, d: "_Draft") -> dict | None:
    """A sentence that names an award and whom it is for, without its amount, before marked items that give the
    amounts: "对注册在…、年度营业收入超过500万元、从事航运物流的企业给予奖励" then "(一)…前三年…95%…". Its
    criteria and titles (drafted as for any sentence) are conditions of every item under it; it is no award of
    its own. Only when each of its numbers is a threshold it reads (no amount, rate or cap) and it ends on the
    award (给予奖励) with no mark of the items' own kind."""
    kind = _mark_kind(following)
    lead = kind is None and _condition_led(following)
    if (kind is None and not lead) or kind is not None and _mark_kind(s) == kind or \
            not _HEAD_END_RE.search(s.strip().rstrip("。:：")):
        return None
    if not [q for q in _quantities(following) if q.money or q.unit in ("%", "‰")]:
        return None
    proposed = dict(d.proposed)
    titles, kinds = copy.deepcopy(d.titles), copy.deepcopy(d.kinds)

    def discard() -> None:  # not a header: the metrics, titles and kinds it proposed go with the discarded draft
        d.proposed.clear()
        d.proposed.update(proposed)
        for mine, before in ((d.titles, titles), (d.kinds, kinds)):
            mine.clear()
            mine.update(before)
    inc = d.sentence(s)
    if inc is None or inc.get("basis") not in ("unspecified", "non_monetary") or inc.get("limits") or \
            any(k in inc for k in ("amount_wan", "tiers", "rate_percent", "rate_permille", "per_unit", "alternatives")):
        discard()
        return None
    crit = [c for c in inc.get("criteria") or [] if c.get("metric")]
    if not crit and not inc.get("qualifications"):
        discard()
        return None
    return {"quote": inc["quote"], "criteria": crit, "qualifications": list(inc.get("qualifications") or []),
            "lead": lead}


def _subject_clause(s: str) -> str | None:
    """对新落户及认定的金融企业, the first clause of an award sentence when it names whom the award is for."""
    m = re.match(r"(?:[(（]?[一二三四五六七八九十\d]+[)）.、．])?(对于?[^,，;；。]{2,40}?(?:企业|公司|机构|单位))[,，]", s)
    return m.group(1) if m else None


def _condition_led(s: str) -> bool:
    """A sentence that opens with a condition of its own and no subject (租赁场地的，…给予50%的租金补贴;
    自建展示项目的，按照…): under the amount-less award sentence before it, one of its cases."""
    m = re.match(r"([^,，。；;]{2,16}?)的[,，]", s)
    return bool(m) and not re.match(r"对|凡|[^,，]{0,8}(?:企业|公司|机构)", m.group(1)) and \
        bool([q for q in _quantities(s) if q.money or q.unit in ("%", "‰")])


def _cap_sentence(s: str, d: "_Draft") -> dict | None:
    """A sentence that only limits awards stated before it (上述奖励合计以N万元为上限, 两项奖励总额最高为其…的P%,
    同一家企业年度支持总额最高不超过N万元): a limit, never an award of its own."""
    if next((m for m in _VERB_RE.finditer(s) if not _in_brackets(s, m.start())), None) is not None:
        return None
    if not re.search(r"合计|累计|总额|总金额|上限|最高|不超过|封顶", s):
        return None
    money = _CAP_WORD_RE.search(s)
    share = _SHARE_RE.search(s)
    whole = None if share else _WHOLE_SHARE_RE.search(s.strip())
    if money is None and share is None and whole is None:
        return None
    scope = _SCOPE_RE.match(s)
    lim: dict[str, Any] = {"kind": "annual_total_cap" if re.search(r"年度|每年|当年|年(?:资助|奖励|补贴|补助|扶持|支持)?总额", s)
                           else "total_cap"}
    if money:
        lim["amount_wan"] = _Qty(0, 0, _num(money.group(1)), money.group(2), money.group(0)).wan
    if share:
        base = metric_phrase(share.group(1))
        metric = d.metric(base, "money")
        if metric is None:
            return None
        lim["share_percent"] = _num(share.group(2))
        lim["share_of"] = metric
    elif whole:  # 补贴不超过企业实际支出: the whole of the firm's outlay, 100% of it (no number written)
        metric = d.metric(metric_phrase(whole.group(1)), "money")
        if metric is None:
            return None
        lim["share_of"] = metric  # share_percent left out: the whole figure (100%), no number the text writes
    lim["quote"] = s
    per = d._per_scope(s) if money and not scope and not share else None
    if per and per[0] == "per_item_cap" and re.match(r"(?:单个|每个)(?:项目|产品|服务商)", s):
        # 单个项目奖励不超过500万元 after an award: each item of the award just before it, not a sum over awards
        return {"limit": {"kind": "per_item_cap", "amount_wan": lim["amount_wan"], "per": per[1], "quote": s},
                "scope": "last", "count": 1}
    n = {"两": 2, "二": 2, "三": 3, "四": 4}.get(scope.group(2)[0]) if scope and scope.group(2) else None
    return {"limit": lim, "scope": "before" if scope else "paragraph", "count": n}


_HEADER_CAP_RE = re.compile(r"[:：]\s*其中[,，:：]?")


#: 对满足以下两类要求之一的…企业 / 符合下列条件的: the conditions are the numbered items after the sentence
_LIST_COND_RE = re.compile(r"(?:满足|符合|具备|达到)(?:以下|下列|如下)(?:[一二两三四五六七八九十\d]+(?:类|项|个|条))?"
                           r"(?:要求|条件|情形|标准)(之一|中的一项|其中一项)?")


def _listed_conditions(text: str, sents: list[_Sentence]) -> dict[int, list[_Sentence]]:
    """A sentence naming conditions listed below it (满足以下两类要求之一) -> the numbered items that follow it in
    its paragraph (1.…;2.…, (一)…), each a condition, none an award of its own."""
    out: dict[int, list[_Sentence]] = {}
    for i, sent in enumerate(sents):
        if not _LIST_COND_RE.search(sent.text) or not _AWARD_RE.search(sent.text):
            continue
        para = text.count("\n", 0, sent.start)
        items = []
        for nxt in sents[i + 1:]:
            if text.count("\n", 0, nxt.start) != para and not re.match(_MARK, nxt.text.strip()):
                break
            if not re.match(_MARK, nxt.text.strip()) or _VERB_RE.search(nxt.text):
                break
            items.append(nxt)
        if len(items) >= 2:
            out[sent.start] = items
    return out


def _capped_headers(sents: list[_Sentence], d: "_Draft") -> tuple[list[_Sentence], dict[int, dict]]:
    """对专利申请授权进行资助，每个单位或个人年资助总额不超过300万元：其中，国内…资助1000元/件;…: the words before
    「：其中」 are a header whose cap binds every item under it (the rest of its paragraph), not an award. Split
    off as a sentence of its own; returns the sentences and, by the header's offset, its cap."""
    out: list[_Sentence] = []
    caps: dict[int, dict] = {}
    for sent in sents:
        m = _HEADER_CAP_RE.search(sent.text)
        if m is None:
            out.append(sent)
            continue
        head = sent.text[:m.start()]
        cap = None
        for c in re.finditer(r"[^,，]+", head):
            found = _cap_sentence(c.group(0), d)
            if found is not None and found["scope"] == "paragraph":
                cap = dict(found, scope="following")
                break
        rest = sent.text[m.end():]
        if cap is None or not rest.strip() or not _AWARD_RE.search(rest):
            out.append(sent)
            continue
        out.append(_Sentence(head, sent.start))
        out.append(_Sentence(rest, sent.start + m.end()))
        caps[sent.start] = cap
    return out, caps


def _attach_cap(cap: dict, at: int, out: list[dict], text: str, group: str) -> None:
    """Put the limit on every award it covers: all before it in the provision (上述/以上), the last N (两项),
    or, when the sentence names no scope, those of its paragraph before it (a reading: said in a review)."""
    para = text.count("\n", 0, at)
    before = [inc for inc in out if inc["_span"][0] < at and inc.get("basis") not in ("non_monetary", "defers_to")]
    if cap["scope"] == "following":  # a header's cap: the items after it in its paragraph
        covered = [inc for inc in out if inc["_span"][0] > at and inc["_span"][2] == para
                   and inc.get("basis") not in ("non_monetary", "defers_to")]
    elif cap["scope"] == "last":
        covered = [inc for inc in before if inc["_span"][2] == para][-1:]
    elif cap["scope"] == "paragraph":
        covered = [inc for inc in before if inc["_span"][2] == para]
    else:
        covered = before[-cap["count"]:] if cap["count"] else before
    if cap["count"] and len(before) < cap["count"]:
        covered = before
    lim = dict(cap["limit"])
    if len(covered) > 1:
        lim["group"] = group
    for inc in covered:
        inc.setdefault("limits", []).append(dict(lim))
        if cap["scope"] == "paragraph" or (cap["count"] and len(covered) != cap["count"]):
            inc["review"] = "；".join(dict.fromkeys(filter(None, [
                inc.get("review"), f"上限：「{lim['quote']}」未写明限于哪几项奖励，已按本段此前各项合计，请确认"])))


_TITLE_RE = re.compile(r"(?:首次)?(?:被)?(?:评为|认定为|评定为|获评|入选|列入)(.+)")


def _level_of(c: dict) -> tuple[str, Any] | None:
    """What makes a criterion a level: a threshold (its metric) or a title (评为X)."""
    if c.get("op") in (">=", ">", "<", "<=") and c.get("metric") and "value" in c and not isinstance(c["value"], bool):
        return ("min", c["metric"])
    if c.get("value") is True and _TITLE_RE.match(metric_phrase(c.get("quote") or "")):
        return ("title", None)
    return None


def _merge_runs(out: list[dict], run_from: Callable[[int], tuple[list[dict], Any]],
                merge: Callable[[list[dict], Any], list[dict]]) -> list[dict]:
    """Walk `out`: where ``run_from(i)`` gives a run of two or more consecutive awards (and what it found of
    them), ``merge(run, found)`` stands for them; a run of one stays as it is."""
    merged: list[dict] = []
    i = 0
    while i < len(out):
        run, found = run_from(i)
        if len(run) < 2:
            merged.append(out[i])
            i += 1
            continue
        merged.extend(merge(run, found))
        i += len(run)
    return merged


def _run_reviews(run: list[dict]) -> list[str]:
    """Every question of a run's members, one per 「；」 part, in order."""
    return [r for b in run for r in str(b.get("review") or "").split("；") if r]


def _tiers_shell(a: dict, run: list[dict], text: str, drop: tuple[str, ...], drop_quotes: tuple[str, ...]) -> dict:
    """The tiered award a run becomes, before its levels: the first member's fields less `drop`, quoting
    the run's whole span (as `quote` and ``quotes.tiers``), its quotes less `drop_quotes`."""
    start, end = a["_span"][0], max(b["_span"][1] for b in run)
    quote = text[start:end]
    inc = {k: v for k, v in a.items() if k not in drop}
    inc["quote"] = quote
    inc["basis"] = "tiers"
    inc["quotes"] = {k: v for k, v in (a.get("quotes") or {}).items() if k not in drop_quotes} | {"tiers": quote}
    inc["_span"] = (start, end, a["_span"][2])
    return inc


def _merge_level_runs(out: list[dict], text: str, d: "_Draft") -> list[dict]:
    """达到A…a；达到B…b (or 首次被评为X…a；被评为Y…b): one tiered incentive paying the highest level met.

    A run is consecutive fixed awards of one paragraph where each later one states only its level (a
    threshold on the metric of one of the first's criteria, or a title when the first names one); the
    first's other criteria are the run's. The merge is a reading, so it is said in a review line."""
    def run_from(i: int) -> tuple[list[dict], int | None]:
        a = out[i]
        run = [a]
        lvl_idx = None
        value_key = "amount_wan" if a.get("basis") == "fixed" else \
            "rate_percent" if a.get("basis") == "rate" and a.get("rate_percent") is not None else None
        if value_key and a.get(value_key) is not None and a.get("criteria"):
            j = i + 1
            while j < len(out):
                b = out[j]
                if b.get("basis") != a.get("basis") or b.get(value_key) is None or b["_span"][2] != a["_span"][2] \
                        or b.get("rate_base") != a.get("rate_base"):
                    break
                shared = {(c.get("metric"), c.get("quote")) for c in a["criteria"]}
                bc = [c for c in _band_free(b.get("criteria") or []) if (c.get("metric"), c.get("quote")) not in shared]
                if len(bc) != 1 or b.get("qualifications") or _level_of(bc[0]) is None:
                    break
                kind = _level_of(bc[0])
                idx = next((k for k, c in enumerate(a["criteria"]) if _level_of(c) == kind
                            and (kind[0] == "title" or c.get("unit") and unit_dimension(c["unit"]) == unit_dimension(bc[0].get("unit") or ""))), None)
                if idx is None or (lvl_idx is not None and idx != lvl_idx):
                    break
                lvl_idx = idx
                run.append(b)
                j += 1
        return run, lvl_idx

    return _merge_runs(out, run_from, lambda run, lvl_idx: [_tiered(run, lvl_idx, text, d)])


def _merge_title_grid(out: list[dict], text: str) -> list[dict]:
    """对获得国家级专利金奖、专利优秀奖的项目，分别给予15万元和10万元…。对获得省级专利金奖、专利优秀奖的…，分别给予10万元和
    8万元…: the same titles at each of several levels (a grid) are one award by title and level, paying the highest
    held (同一专利项目同时获得多个级别的专利奖项时，仅对最高级别的奖项给予奖励), said in a review line. Not a grid (titles
    differing by level, one level only): left as they are, each title its own award."""
    def cell(inc: dict) -> tuple[str, str] | None:
        qs = inc.get("qualifications") or []
        if inc.get("basis") != "fixed" or inc.get("amount_wan") is None or len(qs) != 1 or not qs[0].get("level") \
                or inc.get("alternatives") or inc.get("tiers"):
            return None
        return qs[0]["name"], qs[0]["level"]

    def run_from(i: int) -> tuple[list[dict], None]:
        j = i
        cells: list[tuple[str, str]] = []
        while j < len(out) and cell(out[j]) is not None and out[j]["_span"][2] == out[i]["_span"][2] \
                and cell(out[j]) not in cells:
            cells.append(cell(out[j]))
            j += 1
        by_level: dict[str, list[str]] = {}
        for name, level in cells:
            by_level.setdefault(level, []).append(name)
        grid = len(by_level) >= 2 and len({tuple(v) for v in by_level.values()}) == 1 and \
            len(next(iter(by_level.values()))) >= 2
        return (out[i:j] if grid else [out[i]]), None

    def merge(run: list[dict], _found) -> list[dict]:
        inc = _tiers_shell(run[0], run, text, ("amount_wan", "ceiling", "qualifications", "review", "quotes",
                                                "_award_of", "_others_wan"), ("amount_wan", "ceiling"))
        inc["tiers"] = [{"label": b["qualifications"][0]["quote"], "qualification": b["qualifications"][0]["name"],
                         "level": b["qualifications"][0]["level"], "amount_wan": b["amount_wan"]} for b in run]
        reviews = _run_reviews(run) + ["档次：各级别的各称号合并为一项分档奖励（按所获最高一档支付，不累加），请确认"]
        inc["review"] = "；".join(dict.fromkeys(reviews))
        return [inc]

    return _merge_runs(out, run_from, merge)


def _merge_title_levels(out: list[dict], text: str, d: "_Draft") -> list[dict]:
    """对当年新获得国家级检验检测认证的机构，每个机构资助200万元;新获得省级检验检测认证的机构，…100万元: one title at
    consecutive levels, each sentence its amount, is one award by level paying the highest held (a reading:
    said in a review line, as the text does not say whether both levels held pay twice)."""
    def level_of(inc: dict) -> tuple[str, str | None, str] | None:
        """(level, title or None, its quote) of an award stated for one level of a title."""
        qs = inc.get("qualifications") or []
        if inc.get("alternatives") or inc.get("tiers"):
            return None
        if len(qs) == 1 and qs[0].get("level"):
            return qs[0]["level"], qs[0]["name"], qs[0]["quote"]
        bare = [c for c in inc.get("criteria") or [] if _BARE_LEVEL_RE.fullmatch(c.get("quote") or "")]
        if len(bare) == 1 and not qs:  # 对国家级的给予100%的资金配套: the level alone, its title written before
            return _Draft._level_word(bare[0]["quote"]), None, bare[0]["quote"]
        return None

    def shape(inc: dict) -> tuple | None:
        """What must agree along a run: the basis and how the amount is computed."""
        if inc.get("basis") == "fixed" and inc.get("amount_wan") is not None:
            return ("fixed",)
        if inc.get("basis") in ("rate", "matching") and inc.get("rate_percent") is not None and not inc.get("phases"):
            return (inc["basis"], inc.get("rate_base"))
        return None

    def rest(inc: dict) -> tuple:
        lv = level_of(inc)
        return tuple((c.get("metric"), c.get("op"), c.get("value")) for c in inc.get("criteria") or []
                     if not (lv and lv[1] is None and c.get("quote") == lv[2]))

    def run_from(i: int) -> tuple[list[dict], None]:
        a = out[i]
        lv_a = level_of(a)
        run = [a]
        j = i + 1
        while lv_a is not None and shape(a) is not None and j < len(out):
            b = out[j]
            lv_b = level_of(b)
            if lv_b is None or shape(b) != shape(a) or b["_span"][2] != a["_span"][2] or lv_b[1] != lv_a[1] \
                    or lv_b[0] in {level_of(x)[0] for x in run}:
                break
            # the first states the title's other conditions; a bare level after it adds none of its own
            if lv_a[1] is not None and rest(b) != rest(a) or lv_a[1] is None and rest(b):
                break
            run.append(b)
            j += 1
        return run, None

    def merge(run: list[dict], _found) -> list[dict]:
        a = run[0]
        lv_a = level_of(a)
        rated = shape(a)[0] != "fixed"
        title = lv_a[1]
        reviews = _run_reviews(run)
        criteria = [dict(c) for c in a.get("criteria") or [] if not (title is None and c.get("quote") == lv_a[2])]
        if title is None:
            # 对区内机构获得的国家、省、市级科技计划项目及科技奖励…，对国家级的…: the title is the noun after the
            # list of levels in the first award's conditions (that condition then names the title: dropped)
            for c in list(criteria):
                m = _LEVEL_LIST_RE.search(c.get("quote") or "")
                if m and _cjk_len(m.group(1)) >= 2:
                    title = d.title(m.group(1), c["quote"])
                    criteria.remove(c)
                    break
        if title is None:
            return run  # levels of no title the text names: left as they are
        entry = d.titles.get(title)
        levels = [level_of(b)[0] for b in run]
        if entry is not None:
            entry["levels"] = list(dict.fromkeys([*entry["levels"], *levels]))
        inc = _tiers_shell(a, run, text, ("amount_wan", "ceiling", "qualifications", "review", "quotes", "rate_percent",
                                          "rate_ceiling", "cap_wan", "criteria"),
                           ("amount_wan", "ceiling", "rate_percent", "cap_wan", "rate_ceiling"))
        quotes = inc["quotes"]
        tiers = []
        for b in run:
            lv = level_of(b)
            t: dict[str, Any] = {"label": lv[2], "qualification": title, "level": lv[0]}
            if rated:
                t["rate_percent"] = b["rate_percent"]
                if b.get("cap_wan") is not None:
                    t["cap_wan"] = b["cap_wan"]
            else:
                t["amount_wan"] = b["amount_wan"]
            tiers.append(t)
        inc["tiers"] = tiers
        if criteria:
            inc["criteria"] = criteria
        base_q = [r for r in reviews if r.startswith("指标：比例基数")]
        reviews = [r for r in reviews if not r.startswith("指标：比例基数") or r == base_q[0]]  # one base, asked once
        reviews.append("档次：同一称号各级别合并为一项分档奖励（按所获最高级别支付，不累加），请确认")
        if re.search(r"新获得|首次", inc["quote"]):
            inc["first_time"] = True  # each level paid once
            quotes["first_time"] = re.search(r"新获得|首次\S{0,2}", inc["quote"]).group(0)
            reviews.append(f"条件：「{quotes['first_time']}」要求称号新近取得，分档称号的取得日期不会核对，请确认")
            if inc.get("frequency") == "per_award":  # 首次/新获得: each level reached once
                inc["frequency"] = "once"
                quotes["frequency"] = quotes["first_time"]
                reviews = [r for r in reviews if not r.startswith("频次：未写明频次")]
        inc["review"] = "；".join(dict.fromkeys(reviews))
        return [inc]

    return _merge_runs(out, run_from, merge)


_BARE_LEVEL_RE = re.compile(r"(?:国家|省|市)级?的?")
#: 国家、省、市级科技计划项目 / 国家级、省级X: a list of levels, then the title (group 1)
_LEVEL_LIST_RE = re.compile(r"(?:国家级?|省级?|市级?)(?:、(?:国家级?|省级?|市级?))+级?([^,，;；的]{2,30})$")


def _band_free(cs: list[dict]) -> list[dict]:
    """A member's criteria without the top of its own band (X（含）至Y quotes both ends once)."""
    quotes = [c.get("quote") for c in cs if c.get("op") in (">=", ">")]
    return [c for c in cs if not (c.get("op") in ("<", "<=") and c.get("quote") in quotes)]


def _tiered(run: list[dict], lvl_idx: int, text: str, d: "_Draft") -> dict:
    a = run[0]
    start, end = a["_span"][0], run[-1]["_span"][1]
    quote = text[start:end]
    lead = a["criteria"][lvl_idx]
    shared = {(c.get("metric"), c.get("quote")) for c in a["criteria"]}
    levels = [lead] + [[c for c in _band_free(b["criteria"]) if (c.get("metric"), c.get("quote")) not in shared][0]
                       for b in run[1:]]
    value_key = "amount_wan" if a.get("basis") == "fixed" else "rate_percent"
    inc = {k: v for k, v in a.items() if k not in ("amount_wan", "ceiling", "criteria", "review", "quotes",
                                                      "rate_percent", "rate_ceiling")}
    inc["quote"] = quote
    inc["basis"] = "tiers"
    tiers = []
    by_title = _level_of(lead)[0] == "title"
    used_max: set[int] = set()
    for c, b in zip(levels, run):
        t: dict[str, Any] = {"label": metric_phrase(c["quote"])}
        if by_title:
            t["qualification"] = d.title(_TITLE_RE.match(metric_phrase(c["quote"])).group(1), c["quote"])
        elif c["op"] in ("<", "<="):  # 10亿元以下: a level with a top only
            t["max"] = c["value"]
            t["unit"] = c["unit"]
            if c["op"] == "<=":
                t["max_op"] = "<="
        else:
            t["min"] = c["value"]
            t["unit"] = c["unit"]
            if c["op"] == ">":
                t["min_op"] = ">"
            top = next((x for x in b.get("criteria") or [] if x.get("metric") == c["metric"]
                        and x.get("op") in ("<", "<=") and x.get("quote") == c.get("quote")), None)
            if top is not None:  # X（含）至Y: a band
                used_max.add(id(top))
                t["max"] = top["value"]
                if top["unit"] != c["unit"]:
                    t["max"] = _Qty(0, 0, top["value"], top["unit"], "").wan / MONEY_TO_WAN.get(c["unit"], 1) \
                        if top["unit"] in MONEY_TO_WAN and c["unit"] in MONEY_TO_WAN else top["value"]
                if top["op"] == "<=":
                    t["max_op"] = "<="
        t[value_key] = b[value_key]
        if b.get("ceiling") or b.get("rate_ceiling"):
            inc["ceiling" if value_key == "amount_wan" else "rate_ceiling"] = True
        tiers.append(t)
    if not by_title:
        inc["tier_metric"] = lead["metric"]
    inc["tiers"] = tiers
    common = [c for k, c in enumerate(a["criteria"]) if k != lvl_idx and id(c) not in used_max]
    if common:
        inc["criteria"] = common
    quotes = {k: v for k, v in (a.get("quotes") or {}).items() if k not in ("amount_wan", "ceiling", "rate_percent")}
    quotes["tiers"] = quote
    inc["quotes"] = quotes
    if any(b.get("first_time") for b in run):
        inc["first_time"] = True
    reviews = [r for b in run for r in str(b.get("review") or "").split("；") if r and not r.startswith("条件：本句未找到")]
    if quotes.get("frequency"):  # 5年内…，对…以上的…；…以下的…: the run is one award, paid as its first level says
        reviews = [r for r in reviews if not r.startswith("频次：未写明频次")]
    reviews.append("档次：各句合并为一项分档奖励（达到最高档者按最高档支付，不累加），请确认")
    inc["review"] = "；".join(dict.fromkeys(reviews))
    inc["_span"] = (start, end, a["_span"][2])
    return inc


#: Words saying the firm is new (新设的…企业): a condition of its own, not part of a figure's name.
_NEW_FIRM_RE = re.compile(r"新设立?|新落户|新注册|新引进|新成立")


def _drop_questions(inc: dict, *prefixes: str) -> None:
    """The questions of `inc` starting with one of `prefixes` no longer hold (the answer is read now)."""
    inc["review"] = "；".join(x for x in str(inc.get("review") or "").split("；")
                             if x and not x.startswith(prefixes)) or None
    if inc["review"] is None:
        del inc["review"]


def _drop_no_condition_question(inc: dict) -> None:
    """The conditions came from elsewhere (a heading, the award before): 「本句未找到申请条件」 no longer holds."""
    _drop_questions(inc, "条件：本句未找到")


def _split_by_title(inc: dict, progression: bool = False) -> list[dict]:
    """对首次认定的“单项冠军”示范企业、专精特新“小巨人”企业、“隐形冠军”企业，分别给予200万元、100万元、100万元:
    three titles, three awards, as a reader counts them (each title its own amount; a firm holding two
    gets both), not one award paying the highest. The levels of one title (国家级、省级…) stay one tiered
    award, and a title list paired with thresholds or rates is not split."""
    tiers = inc.get("tiers") or []
    if inc.get("basis") != "tiers" or inc.get("tier_metric") or len(tiers) < 2:
        return [inc]
    if not all(t.get("qualification") and "amount_wan" in t and "min" not in t for t in tiers):
        return [inc]
    names = [t["qualification"] for t in tiers]
    if len(set(names)) != len(names):
        return [inc]
    listed = inc.get("qualifications") or []
    if progression or any(x.get("kind") == "tier_difference" for x in inc.get("limits") or []):
        # 数字化车间、智能工厂、链主工厂…补助资金均按进档差额执行: levels a firm climbs, one tiered award whose
        # titles are alternatives (each level its own), never all required at once
        if sum(1 for q in listed if q["name"] in names) > 1:
            inc["qualifications_mode"] = "any"
        return [inc]
    spoken = re.search(r"分别[^,，;；。]*", inc["quote"])
    out = []
    for t in tiers:
        new = copy.deepcopy({k: v for k, v in inc.items() if k not in ("tiers", "qualifications")})
        new["basis"] = "fixed"
        new["amount_wan"] = t["amount_wan"]
        if t.get("ceiling"):
            new["ceiling"] = True
        own = [dict(q) for q in listed if q["name"] == t["qualification"]] or [
            {"name": t["qualification"], **({"level": t["level"]} if t.get("level") else {}), "quote": t["label"]}]
        written = "“" + t["label"] if "“" + t["label"] in inc["quote"] else t["label"]
        if written in inc["quote"]:
            own[0]["quote"] = written  # the item as written: “隐形冠军”企业
        new["qualifications"] = own + [dict(q) for q in listed if q["name"] not in names]  # the sentence's others
        quotes = {k: v for k, v in (new.get("quotes") or {}).items() if k != "tiers"}
        if spoken:
            quotes["amount_wan"] = spoken.group(0)
        new["quotes"] = quotes
        new["_award_of"] = t["qualification"]
        new["_others_wan"] = [x["amount_wan"] for x in tiers if x is not t]  # the other titles' amounts
        out.append(new)
    return out


def _in_brackets(s: str, pos: int) -> bool:
    depth = 0
    for ch in s[:pos]:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
    return depth > 0


def _field_numbers(x: Any, out: set[float]) -> set[float]:
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in ("quote", "quotes", "review", "note", "label", "name", "id", "provision"):
                _field_numbers(v, out)
    elif isinstance(x, list):
        for v in x:
            _field_numbers(v, out)
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        out.add(round(float(x), 6))
    return out


def _unread_numbers(inc: dict) -> list[str]:
    """Numbers its sentence states that no field of the drafted incentive holds: a sign the sentence says
    more than the draft does (a condition, a cap, a level), so the draft must not pass unreviewed."""
    have = _field_numbers(inc, set())
    out = []
    for q in _quantities(inc.get("quote") or ""):
        vals = {round(float(q.value), 6)}
        if q.money:
            vals.add(round(float(q.wan), 6))
        if not vals & have:
            out.append(q.raw)
    return out


def _provision_limits(text: str) -> list[dict]:
    out = []
    m = re.search(r"[^。,，]*均按进档差额执行", text)
    if m:
        out.append({"kind": "tier_difference", "quote": m.group(0)})
    m = _PER_YEAR_ONE_RE.search(text)
    if m:  # 每个研发机构每年可申请一项: one of this article's awards a year, each application paid
        out.append({"kind": "one_per_year", "quote": m.group(0)})
    return out


#: 主办或承办, 组织或参与: two verbs sharing one object, not two ways to qualify.
_VERB_OR_RE = re.compile(r"(?:主办|承办|举办|组织|参与|牵头|开展|申请|获得|引进|设立|建设|租用|购置|购买|投资|新建|改造)或"
                         r"(?:主办|承办|举办|组织|参与|牵头|开展|申请|获得|引进|设立|建设|租用|购置|购买|投资|新建|改造)")
#: (一)最高2000万元落户奖励: an item that is an award's name and its ceiling, no verb
_UPTO_ITEM_RE = re.compile(rf"(?:{_MARK})?\s*最高\s*({NUM})\s*(万元|亿元)([^,，;；:：\d]{{2,12}}?(?:奖励|补助|补贴|资助|扶持))")
#: …分期合计投入最高1亿元的建设运行费，经费构成包括：: the header of a list of envelopes, its own cap over them all
_ENVELOPE_HEAD_RE = re.compile(rf"(?:合计|累计|总计)[^。;；]{{0,12}}?最高\s*({NUM})\s*(万元|亿元)[^。;；]*?(?:包括|如下)[:：]?$")
_ENVELOPE_SUBJECT_RE = re.compile(r"的([^,，的、]{2,12}(?:机构|企业|单位|基金|平台))[,，]")
_HIGHEST_ONLY_RE = re.compile(r"仅(?:对|按)最高(?:级别|档次|一级|标准)[^,，。;；]{0,8}?(?:给予|予以)(?:奖励|资助|补助|支持)|"
                              r"按(?:最高|就高)(?:级别|档次|标准)?给予(?:奖励|资助|补助|支持)?[^,，。;；]{0,4}不(?:重复|累加)")
_PER_YEAR_ONE_RE = re.compile(r"每(?:个|家)[^,，。;；\d]{0,10}?每年(?:可|只能|限|仅可|最多)?(?:申请|享受|支持)一(?:项|次)")


def _sentence_limits(s: str) -> list[dict]:
    out = []
    m = re.search(r"(\d+)年内不重复(?:奖励|补助|支持|享受)", s)
    if m:
        out.append({"kind": "no_repeat_years", "years": int(m.group(1)), "quote": m.group(0)})
    m = re.search(r"对进档的企业[,，]?奖励差额|进档差额|按差额", s)
    if m:
        out.append({"kind": "tier_difference", "quote": m.group(0)})
    m = re.search(r"每个企业当年只享受一项|只能享受一项|不重复享受|就高不重复", s)
    if m:
        out.append({"kind": "one_per_year", "group": None, "quote": m.group(0)})
    return out


# A provision title that names an award (第三条【落户奖】, 交易平台补贴, 创新券); a title like 用地支持 or
# 总则 names no money award, so the name is read from the sentence instead.
_AWARD_TITLE_RE = re.compile(r"(?:奖|奖励|补贴|补助|资助|扶持|配套|券)$")


def _name(inc: dict, prov: ProvisionText) -> str:
    """A short Chinese name: the provision's own title when it names an award (落户奖, 经营贡献奖), else who the
    award is for and what it is (软件企业 + 奖励)."""
    title = (getattr(prov, "title", None) or "").strip()
    if title and len(title) <= 16 and _AWARD_TITLE_RE.search(title):
        return title
    s = inc["quote"]
    m = re.search(r"对([^,，;；]{2,60}?)(?:[,，]|给予|予以|按)", s)
    subject = re.split(r"的", m.group(1))[-1] if m else ""
    if not subject:
        m = re.search(r"(?:评选|评定|遴选|认定)(?:不超过\d+[个家项])?(?:一批)?([^,，;；]{2,20}?(?:项目|产品|平台|企业|APP))", s)
        subject = m.group(1) if m else ""
    subject = re.sub(r"[()（）“”\"]", "", subject)
    if len(subject) > 16:  # 新型研发机构主办国际性大型论坛活动: what is done (after its verb), never a word cut short
        tail = re.split(r"主办|承办|举办|开展|获得|建设|设立|引进|购置|租用|实施|参与", subject)[-1]
        subject = tail if 2 <= len(tail) <= 16 else subject
    kind = inc.get("kind") or "支持"
    return f"{subject or prov.label}{kind}"


_ORDER = [
    "id", "provision", "name", "quote", "kind", "payer", "recipient", "project_kind", "basis",
    "amount_wan", "amount_min_wan", "ceiling", "per_unit", "tier_metric", "tier_op", "tiers", "rate_percent",
    "rate_permille", "rate_ceiling", "rate_base",
    "rate_base_excess_over_percent_of", "cap_wan", "defers_to", "note", "frequency", "max_years", "first_time",
    "selection", "criteria", "alternatives", "qualifications", "qualifications_mode", "limits", "quotes", "review",
]


def _order(inc: dict, name_metric=None) -> dict:
    out = {k: inc[k] for k in _ORDER if k in inc}
    out.update({k: v for k, v in inc.items() if k not in out})
    for lim in out.get("limits") or []:
        if lim.get("kind") == "one_per_year" and lim.get("group") is None:
            lim["group"] = f"{out['id']}-one-per-year"
    if out.get("basis") == "tiers":
        tiers = out["tiers"]
        if tiers and all(t.get("min_op") == ">" for t in tiers) and "tier_op" not in out:
            for t in tiers:  # every level 超过 its number: the incentive's operator, not one per level
                del t["min_op"]
            out["tier_op"] = ">"
            out = {k: out[k] for k in _ORDER if k in out} | {k: v for k, v in out.items() if k not in _ORDER}
        if any("min" in t for t in tiers) and "tier_metric" not in out:
            crit = out.get("quotes", {}).get("tiers", out["quote"])
            first = tiers[0]
            raw = f"{first['min']}{first['unit']}"
            head = crit[: crit.find(raw)] if raw in crit else ""
            if not head and str(first.get("label", "")).endswith(str(first["min"])) is False:
                lab = str(first.get("label", ""))
                cut = re.search(rf"{re.escape(str(first['min']))}\S*$", lab)
                head = lab[: cut.start()] if cut else ""
            phrase = _strip_leading(re.split(r"[,，]", head)[-1]) if head else ""
            phrase = re.sub(r"(首次)?(达到|超过|在|达)$", "", phrase)
            phrase = re.sub(r"首次", "", phrase)
            metric = name_metric(phrase, unit_dimension(first.get("unit") or ""), first.get("unit")) \
                if name_metric else match_metric(phrase, default_vocabulary(), "money" if first.get("unit") in MONEY_TO_WAN else None)[0]
            out = {**out, "tier_metric": metric}
            out = {k: out[k] for k in _ORDER if k in out} | {k: v for k, v in out.items() if k not in _ORDER}
            if metric is None:
                out["review"] = "；".join(filter(None, [out.get("review"),
                                                        f"指标：各档衡量的指标未能命名（「{crit[:40]}」），请选择"]))
    return out


# --------------------------------------------------------------------------- documents and files


_ENVELOPE_RE = re.compile(rf"(?:最高|不超过)\s*{NUM}\s*(?:万元|亿元)[^。;；]*?(?:详见|见|按照?)本办法((?:第[一二三四五六七八九十百]+条[、,，和及]?)+)")


def _envelope_caps(doc: DocumentText) -> tuple[dict[str, list[dict]], dict[int, list[dict]]]:
    """Caps one article sets over the awards of others ("(二)最高3000万元科研条件建设补助：…详见本办法第九条、
    第十条"): article label -> the limits over its awards (`provision`: the article that sets them, its quote
    there); the list's header (分期合计投入最高1亿元…，经费构成包括：) caps every article the envelopes name and the
    setting article's own awards (by its seq, the second map). Each envelope is the sum of its articles'
    awards to one firm (total_cap), so one group per envelope."""
    out: dict[str, list[dict]] = {}
    own: dict[int, list[dict]] = {}
    for prov in doc.provisions:
        named: list[str] = []
        for n, m in enumerate(_ENVELOPE_RE.finditer(prov.text), 1):
            labels = re.findall(r"第[一二三四五六七八九十百]+条", m.group(1))
            money = re.search(rf"({NUM})\s*(万元|亿元)", m.group(0))
            lim = {"kind": "total_cap", "amount_wan": _Qty(0, 0, _num(money.group(1)), money.group(2), "").wan,
                   "group": f"{prov.seq}-envelope{n}", "provision": prov.seq, "quote": m.group(0)}
            for label in labels:
                out.setdefault(label, []).append(dict(lim))
            named += labels
        if not named:
            continue
        for sent in _sentences(prov.text):
            hm = _ENVELOPE_HEAD_RE.search(sent.text)
            if hm:  # the whole list's cap: over the named articles and this article's own awards
                quote = sent.text[sent.text.rfind("，", 0, hm.start()) + 1:hm.end()].rstrip(":：")
                head = {"kind": "total_cap", "amount_wan": _Qty(0, 0, _num(hm.group(1)), hm.group(2), "").wan,
                        "group": f"{prov.seq}-envelopes", "provision": prov.seq, "quote": quote}
                for label in dict.fromkeys(named):
                    out.setdefault(label, []).append(dict(head))
                own.setdefault(prov.seq, []).append(dict(head))
                break
    return out, own


_METRIC_KEYS = ("metric", "rate_base", "tier_metric", "share_of", "phase_start", "persons_metric", "of")


def _metrics_used(x: Any, out: set[str] | None = None) -> set[str]:
    """Every metric key the incentives name (criteria, bases, tiers, per-unit quantities, caps, phases)."""
    out = set() if out is None else out
    if isinstance(x, dict):
        for k, v in x.items():
            if k in _METRIC_KEYS and isinstance(v, str):
                out.add(v)
            elif k == "rate_base_excess_over_percent_of" and isinstance(v, dict) and isinstance(v.get("metric"), str):
                out.add(v["metric"])
            else:
                _metrics_used(v, out)
    elif isinstance(x, list):
        for v in x:
            _metrics_used(v, out)
    return out


def draft_documents(docs: list[DocumentText], vocab: Vocabulary | None = None) -> dict:
    """A whole rules file (a dict in docs/rules.md's format) for `docs`, in document order.

    With several documents each incentive names its ``document`` (1-based, the header's
    order), and ids number provisions across the documents as the graph does (the second
    document's first provision follows the first document's last), so they stay unique.
    """
    vocab = vocab or default_vocabulary()
    incentives: list[dict] = []
    proposed: dict[str, dict] = {}
    many = len(docs) > 1
    offset = 0
    for k, doc in enumerate(docs, 1):
        envelopes, own = _envelope_caps(doc)
        for prov in doc.provisions:
            for inc in draft_provision(prov, vocab, proposed):
                covering = envelopes.get(prov.label, []) + own.get(prov.seq, [])
                if covering and inc.get("basis") not in ("non_monetary", "defers_to", "unspecified"):
                    # the cap another article (or this one's list header) sets: the sum of these awards to one firm
                    inc["limits"] = [*(inc.get("limits") or []), *(dict(x) for x in covering)]
                    if "review" in inc:
                        inc["review"] = inc.pop("review")  # the question stays last, as _order puts it
                if many:
                    n = inc["id"].split(".", 1)[1]
                    inc = {"id": f"{offset + prov.seq}.{n}", "document": k,
                           **{x: v for x, v in inc.items() if x != "id"}}
                incentives.append(inc)
        offset += len(doc.provisions)
    out: dict[str, Any] = {"version": 1, "documents": [d.header() for d in docs]}
    titles = proposed.pop("_titles", {})
    kinds = proposed.pop("_kinds", {})
    used = _metrics_used(incentives) | {f"project.{f}" for k in kinds.values() for f in k.get("metrics") or []}
    # a metric proposed for a condition the pass then read otherwise (国家级 as a level of a title) names nothing
    proposed = {k: v for k, v in proposed.items() if k in used}
    dims = {m["dimension"] for m in proposed.values()}
    units = {dim: dict(EXTRA_DIMENSIONS[dim]) for dim in sorted(dims) if dim in EXTRA_DIMENSIONS}
    if units:
        out["units"] = units
    if proposed:
        out["metrics"] = proposed
    if titles:
        out["qualifications"] = titles
    if kinds:
        out["project_kinds"] = kinds
    out["incentives"] = incentives
    return out


@dataclass(frozen=True)
class DraftSummary:
    output: str | None
    documents: int
    provisions: int
    incentives: int
    review: int
    text: str  # the YAML written


HEADER = """\
# Drafted by `policykg rules draft` from the text alone: a proposal to check, not rules yet.
# Every value is quoted: `quote` (the sentence), `quotes.<field>` (the words a field was read
# from), each criterion, limit and selection its own `quote`. Entries with `review:` need a
# decision; resolve it, delete the `review` line, then run `policykg rules check`.
"""


def dump_draft(doc: dict) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, data):  # long quotes stay on one line, so they can be searched in the text
        return dumper.represent_scalar("tag:yaml.org,2002:str", data)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)
    return HEADER + body


def write_draft(paths: list[str], output: str | None, *, force: bool = False) -> DraftSummary:
    """Draft the rules of the documents at `paths`; write them to `output` (None: return the text only).

    Refuses (`OutputError`) to replace an existing `output` unless `force`; writes through a
    temporary file, so a failure leaves nothing half-written.
    """
    if output is not None:
        out = Path(output)
        if out.exists() and not force:
            raise OutputError(f"{out}: already exists; pass --force to replace it, or choose another -o")
        if out.is_dir():
            raise OutputError(f"{out}: is a folder; give a file name for the rules, e.g. {out}/rules.yaml")
        if not out.parent.exists():
            raise OutputError(f"{out}: its folder {out.parent} does not exist; create it or choose another -o")
    docs = [read_document(p) for p in paths]
    doc = draft_documents(docs)
    text = dump_draft(doc)
    if output is not None:
        # never one of the documents (not even with --force); a FIFO or device written in place,
        # a symlink through to its file; the temp file is mkstemp's (policykg.output)
        write_output(str(out), text, paths)
    incs = doc["incentives"]
    return DraftSummary(output, len(docs), sum(len(d.provisions) for d in docs), len(incs),
                        sum(1 for i in incs if i.get("review")), text)
