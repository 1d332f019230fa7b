"""Messages as data, rendered in the reader's language through gettext catalogs (zh_CN, en).

Every sentence a person reads is made with `M(msgid, **params)`: the msgid is the English
sentence with ``{named}`` placeholders (what `pybabel extract -k M -k N_` collects into
``locale/policykg.pot``), the params are the data (values, thresholds, names, quotes,
other messages). A `Msg` *is* its English text (a ``str``), so JSON, CSV and the tests that
read the machine interface see stable English; `render(msg, "zh")` gives the same sentence
from the zh_CN catalog, its params rendered in turn.

The language is ``--lang zh|en`` when given, else the locale (LC_ALL, LC_MESSAGES, LANG:
``zh*`` is Chinese), else English; pages and the server pass ``"zh"`` themselves.

Catalogs live in ``locale/<lang>/LC_MESSAGES/policykg.po`` (kept in the repository) and are
compiled to ``.mo`` when the wheel is built (setup.py). A checkout without the ``.mo`` reads
the ``.po`` with Babel instead, so the two cannot drift.
"""

from __future__ import annotations

import gettext
import os
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Iterable

DOMAIN = "policykg"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGS = ("zh", "en")
#: The catalog folder of each language.
CATALOG = {"zh": "zh_CN", "en": "en"}
#: Separators of joined lists, as each language writes them.
SEPARATORS = {"zh": {"; ": "；", ", ": "、", ". ": "。", " or ": "或", " and ": "和", "/": "/", "\n": "\n"}}

_current: ContextVar[str | None] = ContextVar("policykg_lang", default=None)


def N_(msgid: str) -> str:
    """Mark a msgid for extraction where it is defined (a table of names); translate it on use."""
    return msgid


class Msg(str):
    """A sentence as data: its msgid, its params, and (as a ``str``) its English text."""

    msgid: str | None
    params: dict
    sep: str | None
    items: tuple

    def __new__(cls, msgid: str | None, params: dict | None = None, sep: str | None = None,
                items: Iterable = ()):
        params = dict(params or {})
        items = tuple(items)
        text = sep.join(str(i) for i in items) if msgid is None else _fill(msgid, params, "en")
        self = super().__new__(cls, text)
        self.msgid, self.params, self.sep, self.items = msgid, params, sep, items
        return self

    def __reduce__(self):
        return (Msg, (self.msgid, self.params, self.sep, self.items))

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    @classmethod
    def join(cls, sep: str, items: Iterable) -> "Msg":
        """Items joined as the language joins them (``; `` → ``；``, ``, `` → ``、`` in Chinese)."""
        return cls(None, sep=sep, items=items)

    def render(self, lang: str | None = None) -> str:
        lang = lang or current()
        if lang == "en":
            return str(self)
        if self.msgid is None:
            sep = SEPARATORS.get(lang, {}).get(self.sep, self.sep)
            return sep.join(render(i, lang) for i in self.items)
        return _fill(translate(self.msgid, lang), self.params, lang)


class Wan(Msg):
    """An amount in 万元: ``50万元`` in English (the machine's unit, always 万元); a Chinese reader
    reads 1亿元 and more in 亿元 (``1.2亿元``), as amounts are written in Chinese."""

    def __new__(cls, value: float):
        self = super().__new__(cls, None, sep="", items=(f"{_num(value)}万元",))
        self.value = float(value)
        return self

    def __reduce__(self):
        return (Wan, (self.value,))

    def render(self, lang: str | None = None) -> str:
        lang = lang or current()
        if lang == "zh" and abs(self.value) >= 10000:
            return f"{_num(self.value / 10000)}亿元"
        return str(self)


def _num(x: float) -> str:
    text = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def M(msgid: str, **params) -> Msg:
    """A message: ``M("needs {name}", name=q.name)``. Its English text is ``msgid`` filled in."""
    return Msg(msgid, params)


def _fill(template: str, params: dict, lang: str) -> str:
    if not params:
        return template
    if lang == "en":  # a Msg is its English str already: format it as it is (one pass, no re-rendering)
        return template.format_map(params)
    return template.format_map({k: render(v, lang) for k, v in params.items()})


def render(value, lang: str | None = None) -> str:
    """A value as the reader of `lang` reads it: a `Msg` from the catalog, anything else as text."""
    if isinstance(value, Msg):
        return value.render(lang)
    if value is None:
        return ""
    return str(value)


def plain(value):
    """`value` with every `Msg` in it as its plain English ``str`` (for JSON, YAML, CSV, pickles)."""
    if isinstance(value, Msg):
        return str.__str__(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value


def localized(value, lang: str | None = None):
    """`plain`, but every `Msg` rendered in `lang` (the data behind a page)."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, dict):
        return {k: localized(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localized(v, lang) for v in value]
    if isinstance(value, tuple):
        return tuple(localized(v, lang) for v in value)
    return value


def render_all(values: Iterable, lang: str | None = None) -> list[str]:
    return [render(v, lang) for v in values]


def tr(msgid: str, lang: str | None = None) -> str:
    """A fixed string (a heading, a status, a label) in the language; itself if not in the catalog."""
    return translate(msgid, lang or current())


# --------------------------------------------------------------------------- language


def detect(explicit: str | None = None, environ=None) -> str:
    """``explicit`` (zh|en) if given, else the locale's language (zh_* → zh), else en."""
    if explicit:
        lang = explicit.lower().replace("-", "_").split("_")[0]
        return lang if lang in LANGS else "en"
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def current() -> str:
    """The language in effect: the one set by `use`, else the locale's."""
    return _current.get() or detect()


def use(lang: str | None) -> None:
    """Set the language for this context (the CLI after reading --lang; a request in the server)."""
    _current.set(detect(lang) if lang else None)


# --------------------------------------------------------------------------- catalogs


def translate(msgid: str, lang: str) -> str:
    if lang == "en":
        return msgid
    return _catalog(lang).get(msgid) or msgid


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr of a language: the compiled .mo, else the .po read with Babel."""
    folder = LOCALE_DIR / CATALOG.get(lang, lang) / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            t = gettext.GNUTranslations(fh)
        return {k: v for k, v in t._catalog.items() if isinstance(k, str) and k and v}
    if po.is_file():
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            cat = read_po(fh)
        return {m.id: m.string for m in cat if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}
    return {}


__all__ = ["M", "Msg", "N_", "Wan", "current", "detect", "render", "render_all", "tr", "translate", "use"]
