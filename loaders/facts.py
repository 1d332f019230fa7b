"""Facts read from a provision's repaired text: amounts and references, with provenance.

Offsets are always mapped back to the source text, so `quote` is what the file says
(OCR damage included) and `repaired` what it means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.errors import DataError
from policykg.loaders.repair import RepairedText
from policykg.loaders.source import DATA_DIR
from policykg.loaders.yamlio import check_keys, load_yaml

UNIT_KIND = {
    "万元": "money", "亿元": "money", "元": "money",
    # A price per item or per area and month: money, but not a sum to add up.
    "元/件": "money_rate", "元/平方米/月": "money_rate", "元/平方米": "money_rate", "万元/家": "money_rate",
    "元/人": "money_rate", "元/吨": "money_rate", "元/标箱": "money_rate", "元/艘": "money_rate",
    # Another currency, kept as written: never converted to 元 silently.
    "万美元": "foreign_money", "亿美元": "foreign_money", "美元": "foreign_money",
    "%": "percent",
    "个百分点": "percentage_points",
    "家": "count", "个": "count", "项": "count", "场次": "count", "名": "count", "县": "count", "次": "count",
    "年": "duration",
    "TOP": "rank",
}
TO_WAN = {"万元": 1.0, "亿元": 10000.0, "元": 0.0001}

_UNITS = sorted((u for u in UNIT_KIND if u != "TOP"), key=len, reverse=True)
_AMOUNT_RE = re.compile(
    r"(?<![\d.A-Za-z,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*("
    + "|".join(re.escape(u) for u in _UNITS) + ")"
)
# Chinese numerals only before units where they mean an amount (一次性 is no count of 1).
_CN_NUM = "零〇一二两三四五六七八九十百千"
_CN_AMOUNT_RE = re.compile(
    rf"(?<![第{_CN_NUM}])([{_CN_NUM}]+)\s*(个百分点|万美元|亿美元|美元|万元|亿元|元|年)(?!度)"
)
_CN_PERCENT_RE = re.compile(rf"百分之([{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)")
_INCLUSIVE_RE = re.compile(r"\s*[(（]含[)）]")
_RANK_RE = re.compile(r"TOP\s*(\d+)")
_SENTENCE_END = "。;；"


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str
    kind: str  # money | percent | count | duration | rank
    value_wan: float | None  # money only, in 万元
    start: int  # source offsets
    end: int
    quote: str  # as written in the source
    repaired: str
    sentence: str  # the repaired sentence it came from
    sentence_start: int  # source offsets of that sentence
    sentence_end: int
    currency: str | None = None  # CNY, USD: as written, never converted
    inclusive: bool = False  # followed by (含): the bound includes the number


@dataclass(frozen=True)
class Reference:
    target_kind: str  # 'policy' | 'document'
    policy_number: int | None
    document_number: str | None
    document_title: str | None
    how: str  # 'title' | 'short_name' | 'document_number'
    as_written: str
    start: int
    end: int

    @property
    def target_key(self) -> str:
        if self.target_kind == "policy":
            return f"policy:{self.policy_number}"
        return f"document:{self.document_number or self.document_title}"


def _sentence(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    s = start
    while s > lo and text[s - 1] not in _SENTENCE_END:
        s -= 1
    e = end
    while e < hi and text[e - 1 if e > end else e] not in _SENTENCE_END:
        e += 1
    if e < hi and text[e] in _SENTENCE_END:
        e += 1
    return s, min(e, hi)


def extract_amounts(rt: RepairedText, lo: int, hi: int) -> list[Amount]:
    """Every money amount, percentage, count, duration and rank in rt.text[lo:hi]."""
    from policykg.loaders.numerals import to_number

    found: list[tuple[int, int, float, str]] = []
    for m in _AMOUNT_RE.finditer(rt.text, lo, hi):
        number, unit = m.group(1).replace(",", ""), m.group(2)
        if unit == "年" and re.fullmatch(r"(19|20)\d\d", number):
            continue  # a calendar year, not a duration
        found.append((m.start(), m.end(), float(number), unit))
    for m in _CN_AMOUNT_RE.finditer(rt.text, lo, hi):
        value = to_number(m.group(1))
        if value is None or (m.group(2) == "年" and value >= 1900):
            continue
        found.append((m.start(), m.end(), float(value), m.group(2)))
    for m in _CN_PERCENT_RE.finditer(rt.text, lo, hi):
        whole, _, frac = m.group(1).partition("点")
        value = to_number(whole)
        if value is None:
            continue
        if frac:
            value = float(f"{int(value)}.{''.join(str(to_number(ch) or 0) for ch in frac)}")
        found.append((m.start(), m.end(), float(value), "%"))
    for m in _RANK_RE.finditer(rt.text, lo, hi):
        found.append((m.start(), m.end(), float(m.group(1)), "TOP"))
    found.sort()
    out = []
    for s, e, value, unit in found:
        ss, se = _sentence(rt.text, lo, hi, s, e)
        src_s, src_e = rt.to_source(s, e)
        sent_s, sent_e = rt.to_source(ss, se)
        kind = UNIT_KIND[unit]
        out.append(
            Amount(
                value=int(value) if value.is_integer() else value,
                unit=unit,
                kind=kind,
                value_wan=value * TO_WAN[unit] if unit in TO_WAN else None,
                currency="USD" if "美元" in unit else "CNY" if "元" in unit else None,
                inclusive=bool(_INCLUSIVE_RE.match(rt.text, e)),
                start=src_s,
                end=src_e,
                quote=rt.source[src_s:src_e],
                repaired=rt.text[s:e],
                sentence=rt.text[ss:se],
                sentence_start=sent_s,
                sentence_end=sent_e,
            )
        )
    return out


@lru_cache(maxsize=1)
def reference_aliases() -> list[dict]:
    path = DATA_DIR / "references.yaml"
    doc = check_keys(load_yaml(path), {"references"}, str(path), required={"references"})
    out = []
    for i, entry in enumerate(doc["references"]):
        where = f"{path}: references[{i}]"
        check_keys(entry, {"as_written", "policy_title_contains", "document_number", "document_title"}, where, {"as_written"})
        if "policy_title_contains" not in entry and not ({"document_number", "document_title"} & set(entry)):
            raise DataError(f"{where}: say what it refers to: policy_title_contains, document_number or document_title")
        out.append(entry)
    return out


_DOC_NO_RE = re.compile(r"([\u4e00-\u9fff]{1,8})〔(\d{4})〕(\d+)号")


def extract_references(rt: RepairedText, lo: int, hi: int, policies, own_policy: int) -> list[Reference]:
    """References from rt.text[lo:hi] to other policies (title or short name) and documents."""
    text = rt.text
    cands: list[tuple[int, int, dict]] = []
    for p in policies:
        for m in re.finditer(re.escape(p.title), text[lo:hi]):
            cands.append((lo + m.start(), lo + m.end(), dict(target_kind="policy", policy_number=p.number, how="title")))
    for m in _DOC_NO_RE.finditer(text, lo, hi):
        number = m.group(0)
        paren = m.start() - 1
        title = None
        t_start = m.start()
        if paren >= lo and text[paren] in "(（":
            k = paren
            depth = 0
            while k > lo:
                ch = text[k - 1]
                if depth == 0 and ch in "、,，。:：;；按":
                    break
                depth += {")": 1, "）": 1, "(": -1, "（": -1}.get(ch, 0)
                k -= 1
            title = text[k:paren] or None
            t_start = k
        end = m.end() + (1 if m.end() < hi and text[m.end()] in ")）" else 0)
        cands.append((t_start, end, dict(target_kind="document", document_number=number, document_title=title, how="document_number")))
    for entry in reference_aliases():
        for m in re.finditer(re.escape(entry["as_written"]), text[lo:hi]):
            if "policy_title_contains" in entry:
                target = next((p for p in policies if entry["policy_title_contains"] in p.title), None)
                if target is None:
                    continue
                info = dict(target_kind="policy", policy_number=target.number, how="short_name")
            else:
                info = dict(
                    target_kind="document",
                    document_number=entry.get("document_number"),
                    document_title=entry.get("document_title"),
                    how="short_name",
                )
            cands.append((lo + m.start(), lo + m.end(), info))
    # Longest first at each place; a mention inside a kept one (the short name inside a
    # full title) adds nothing.
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[Reference] = []
    covered: list[tuple[int, int]] = []
    seen: set[str] = set()
    for s, e, info in cands:
        if any(cs <= s and e <= ce for cs, ce in covered):
            continue
        covered.append((s, e))
        if info.get("policy_number") == own_policy:
            continue
        src_s, src_e = rt.to_source(s, e)
        ref = Reference(
            target_kind=info["target_kind"],
            policy_number=info.get("policy_number"),
            document_number=info.get("document_number"),
            document_title=info.get("document_title"),
            how=info["how"],
            as_written=rt.source[src_s:src_e],
            start=src_s,
            end=src_e,
        )
        if ref.target_key in seen:
            continue
        seen.add(ref.target_key)
        kept.append(ref)
    return kept
