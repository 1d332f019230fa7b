"""A saved government web page (.html): the policy body as text, and the page's metadata.

Parsed with a real HTML parser (BeautifulSoup over lxml), never with regexes over tags.
The body is the element holding most of the page's Chinese prose in its paragraphs (the
article container of any CMS), widened to the container of all its parts (a Word export's
WordSection1, WordSection2 …); its block elements become lines. Menus, headers and
footers are dropped. The metadata is what the page says around the body in ``label：value``
form (来源, 发布日期, 文号 / 发文字号, 发布机构, 成文日期, 实施时间, 失效时间, 有效性 ...), also in
table cells and ``<meta>`` tags. The page's title (``<h1>``–``<h3>`` before the body, else
``<title>`` without the site's name) is the body's first line.
"""

from __future__ import annotations

import re
from pathlib import Path

from policykg.errors import SourceError

META_LABELS = (
    "来源", "信息来源", "发布日期", "发布时间", "发文日期", "成文日期", "文号", "发文字号", "发文机关", "发布机构",
    "发文单位", "实施时间", "实施日期", "施行日期", "生效日期", "失效时间", "失效日期", "废止日期", "有效性", "时效性",
    "索引号", "主题分类", "施行时间", "生效时间", "废止时间", "有效期至", "公布日期", "公开日期", "印发日期",
)
#: Labels folded onto one name (the one the loaders read).
META_ALIASES = {
    "信息来源": "来源", "发布时间": "发布日期", "发文日期": "发布日期", "发文字号": "文号", "发文机关": "发布机构",
    "发文单位": "发布机构", "实施日期": "实施时间", "失效日期": "失效时间", "时效性": "有效性",
    "施行时间": "实施时间", "生效时间": "实施时间", "废止时间": "失效时间", "有效期至": "失效时间",
    "公布日期": "发布日期", "公开日期": "发布日期", "印发日期": "成文日期",
}
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "br",
           "blockquote", "pre")
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select", "button", "input",
         "textarea", "svg", "template", "xml")
#: What a CMS template leaves when a field is empty ({{title}}, ${article.source}, <%=x%>, {$x}): never text.
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|\$\{[^{}]*\}|<%.*?%>|\{\$[^{}]*\}|\$![{]?[\w.]+[}]?")
#: Spaces Word and CMS pages write as entities (&nbsp; &ensp; &emsp; &thinsp;) and invisible ones (zero width).
_SPACES = str.maketrans({"\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "", "\ufeff": "",
                         "\u200c": "", "\u200d": ""})
_LABEL_RE = re.compile(r"^\s*(?P<label>" + "|".join(META_LABELS) + r")\s*(?:[:：]\s*(?P<value>.*?))?\s*$")


def _spaced(label: str) -> str:
    """A label as pages align it: 索 引 号, 有&nbsp;效&nbsp;性 (spaces between its characters)."""
    return r"[ \t\u3000]*".join(map(re.escape, label))


_LABELS_SPACED = "|".join(_spaced(x) for x in sorted(META_LABELS, key=len, reverse=True))
#: label：value pairs, several on one line (索引号：… 发布机构：… 成文日期：…).
_PAIR_RE = re.compile(r"(?P<label>" + _LABELS_SPACED + r")\s*[:：]\s*"
                      r"(?P<value>.*?)\s*(?=(?:" + _LABELS_SPACED + r")\s*[:：]|(?:浏览次数|浏览量|点击数|点击量|访问量|阅读数|阅读量|字号|作者|责任编辑|编辑|打印|分享到)[ \t\u3000]*[:：]|$)")
#: A label and its value with no colon between (<li><label>实施时间</label><span>2025年7月1日</span></li>).
_BARE_RE = re.compile(r"^\s*(?P<label>" + _LABELS_SPACED + r")[ \t\u3000]*(?P<value>[^:：\s][^:：]{0,59})$")
_DATE_LABELS = ("发布日期", "成文日期", "实施时间", "失效时间", "施行日期", "生效日期", "废止日期", "施行时间", "生效时间",
                "废止时间", "有效期至", "公布日期", "公开日期", "印发日期", "实施日期", "失效日期", "发布时间", "发文日期")


def _label(text: str) -> str | None:
    """The metadata label `text` is (spaces and a closing colon dropped, traditional read), or None."""
    from policykg.loaders.repair import normalise

    label = re.sub(r"[ \t\u3000]", "", normalise(text)).rstrip(":：")
    return label if label in META_LABELS else None


_META_NAMES = {"articletitle": "title", "contentsource": "来源", "pubdate": "发布日期", "firstpublishedtime": "发布日期"}


def _cjk(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def read_html(p: Path, raw: bytes, decoded: str) -> tuple[str, dict]:
    """Return (body text with the title as its first line, metadata) of a saved web page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decoded, "lxml")
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").lower()
        if name in _META_NAMES and tag.get("content"):
            meta.setdefault(_META_NAMES[name], tag["content"].strip())
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(_DROP):
        tag.decompose()
    for tag in soup.find_all(_hidden):
        tag.decompose()
    for string in soup.find_all(string=_PLACEHOLDER):
        string.replace_with(_PLACEHOLDER.sub("", str(string)))
    # The body: the element whose direct paragraphs carry the most Chinese prose.
    scores: dict[int, tuple[int, object]] = {}
    for para in soup.find_all(["p", "div", "td"]):
        own = "".join(t for t in para.find_all(string=True, recursive=False))
        text = para.get_text("", strip=True) if para.name == "p" else own
        n = _cjk(text)
        if n < 10:
            continue
        parent = para.parent if para.name == "p" else para
        key = id(parent)
        scores[key] = (scores.get(key, (0, parent))[0] + n, parent)
    if not scores:
        raise SourceError(f"{p}: the web page has no policy body (no paragraphs of Chinese text); save the page "
                          "with its article text, or copy the text into a .txt file")
    parts = _whole_body(max(scores.values(), key=lambda t: t[0])[1], scores)
    body = parts[0]
    lines = [line for part in parts for line in _block_lines(part)]
    if _cjk("".join(lines)) < 50:
        raise SourceError(f"{p}: the web page has no policy body (its largest text block is "
                          f"{_cjk(''.join(lines))} Chinese characters); save the page with its article text")
    for label, value in _page_metadata(soup, set(lines)):
        meta.setdefault(META_ALIASES.get(label, label), value)
    title = _title(soup, body, page_title)
    if title:
        meta.setdefault("title", title)
    if title and (not lines or lines[0].strip() != title):
        lines.insert(0, title)
    return "\n".join(lines), meta


def _whole_body(best, scores: dict) -> list:
    """The container of the whole text, not its largest part: Word exports a document with section breaks
    as sibling ``<div class=WordSection1>``, ``WordSection2`` …, and a CMS may wrap each chapter in its own
    ``<div>``. Climb from the element with the most prose while its parent's other children carry prose
    paragraphs too (at least a fifth as much again), so no part of the document is silently dropped; a
    sidebar of short links never scores (each scored paragraph has 10+ Chinese characters)."""
    own = {k: n for k, (n, _) in scores.items()}

    def prose_under(node) -> int:
        total = own.get(id(node), 0)
        for d in node.find_all(True):
            total += own.get(id(d), 0)
        return total

    node, have = best, prose_under(best)
    # at most 20 levels up (each look is one pass over the subtree): a page nesting 5,000 <div>s stays linear
    for _ in range(20):
        if node.parent is None or node.parent.name in ("body", "html", "[document]"):
            break
        up = prose_under(node.parent)
        if up < have * 1.2:
            break
        node, have = node.parent, up
    parent = node.parent
    if parent is not None and parent.name in ("body", "[document]"):
        # a fragment whose parts stand side by side at its top, no wrapper around them (WordSection1,
        # WordSection2 …): the parts are its siblings of the same kind (tag, and class but for its digits)
        # that carry prose, in document order; a metadata table, a menu or a footer is not one of them
        kind = (node.name, _class_stem(node))
        parts = [c for c in parent.find_all(True, recursive=False)
                 if c is node or ((c.name, _class_stem(c)) == kind and prose_under(c) > 0)]
        if len(parts) > 1:
            return parts
    return [node]


def _class_stem(tag) -> str:
    return re.sub(r"\d+", "", " ".join(tag.get("class") or []))


def _hidden(tag) -> bool:
    """An element the reader never sees (display:none, hidden): a template's spare copy, a popup."""
    style = (tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def _page_metadata(soup, body_lines: set[str] | frozenset = frozenset()) -> list[tuple[str, str]]:
    """(label, value) the page states about the document: 索引号, 发布机构, 成文日期, 发布日期, 实施时间, 失效时间,
    有效性 ... in a table (label cell, value cell), in ``label：value`` lines (several on one line), a label
    and its value in two strings, or (outside the policy's body) a label and its value with no colon between;
    Word-export spans are joined first, spaced labels (索 引 号) and traditional ones (發佈日期) read."""
    from policykg.loaders.validity import DATE_RE

    out: list[tuple[str, str]] = []
    for row in soup.find_all("tr"):
        cells = [_clean(c.get_text("", strip=True)) for c in row.find_all(["td", "th"], recursive=False)]
        for i, cell in enumerate(cells):
            label = _label(cell)
            if label and i + 1 < len(cells) and cells[i + 1]:
                out.append((label, cells[i + 1]))
            else:
                out += _pairs(cell)
    lines = _block_lines(soup.body or soup)
    for i, line in enumerate(lines):
        pairs = _pairs(line)
        out += pairs
        label = _label(line)
        if not pairs and label and i + 1 < len(lines):
            out.append((label, lines[i + 1]))
        elif not pairs and not label and line not in body_lines:
            from policykg.loaders.repair import normalise

            m = _BARE_RE.match(normalise(line))
            if m:
                bare = _label(m.group("label"))
                value = line[m.start("value"):].strip()
                if bare and (bare not in _DATE_LABELS or DATE_RE.search(normalise(value))):
                    out.append((bare, value))
    return [(label, value) for label, value in out if value and len(value) <= 200]


def _pairs(line: str) -> list[tuple[str, str]]:
    from policykg.loaders.repair import normalise

    norm = normalise(line)  # one character for one: values are cut from the line as written
    return [(re.sub(r"[ \t\u3000]", "", m.group("label")), line[m.start("value"):m.end("value")].strip())
            for m in _PAIR_RE.finditer(norm) if m.group("value").strip()]


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.translate(_SPACES)).strip()


def _title(soup, body, page_title: str) -> str | None:
    for h in soup.find_all(["h1", "h2", "h3"]):
        text = h.get_text("", strip=True)
        # a heading above the body, or the body's own <h1> (a section heading inside it is not the title)
        if _cjk(text) >= 6 and (body not in h.parents or h.name == "h1"):
            return text
    if page_title:
        return re.split(r"\s*[|｜_\-—]\s*", page_title)[0].strip() or None
    return None


def _block_lines(root) -> list[str]:
    """The text of `root`, one line per block element (p, div, li, tr ...), inline text joined."""
    from bs4 import NavigableString, Tag

    lines: list[str] = []
    current: list[str] = []

    def flush():
        text = "".join(current).translate(_SPACES)
        text = re.sub(r"[ \t]+", " ", text).strip()
        if text:
            lines.append(text)
        current.clear()

    # Depth-first with an explicit stack, not recursion: a saved page may nest 5,000 <span>s (or
    # 100,000) and no nesting may exhaust the interpreter's recursion limit. An entry is a node to
    # visit, or FLUSH: the end of a block element.
    FLUSH = object()
    stack: list = list(reversed(list(root.children)))
    while stack:
        child = stack.pop()
        if child is FLUSH:
            flush()
        elif isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "ProcessingInstruction"):
                continue
            current.append(str(child).replace("\n", "").replace("\r", ""))
        elif isinstance(child, Tag):
            if child.name in _BLOCKS:
                flush()
                stack.append(FLUSH)
            stack.extend(reversed(list(child.children)))
    flush()
    return lines
