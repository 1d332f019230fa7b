"""The shape of a rules file, checked first: the type of every key, before anything reads it.

A rules file (docs/rules.md) is untrusted input. The quote and number checks, the
drafting keys, the documents header and the strict incentive parser all walk it; each of
them assumed the shapes it walks (an amount is a number, `tiers` a list of mappings...), so
an amount written as text, a 400-digit number or `documents` as a list of strings became a
traceback. `check_shape` walks the whole file once against `SCHEMA` and raises one
`DataError` naming the file and the key (``incentives[0] (id 2.1).tiers[1].min: expected a
number, got text '5亿'``); only then do the other walks run. It checks types and shapes
(and that numbers are finite and below POLICYKG_MAX_NUMBER), not meanings: which metric,
unit or basis is allowed stays the strict parser's job (`rules.incentives`).

A null value is left to the strict parser (it knows which keys may be null); a list's
items may never be null. Keys the schema does not list are left to the strict parser too
(it refuses unknown keys); `tests/test_rules.py` checks that every key the parser allows
has a type here.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from policykg.errors import DataError
from policykg.limits import NUMBER

# --- the type language: a leaf name, ("list", item), ("map", {key: type}), ("table", value) --
# str, int (whole, not bool), num (int or float, not bool, finite, below the limit), bool,
# date (YYYY-MM-DD text or a date), "num|bool" (a criterion's value), "any".

_CRITERION = ("map", {"metric": "str", "op": "str", "value": "num|bool", "unit": "str", "quote": "str",
                      "stated": "bool"})
_TIER = ("map", {"label": "str", "min": "num", "unit": "str", "qualification": "str", "level": "str",
                 "amount_wan": "num", "rate_percent": "num", "quota": "int", "quote": "str",
                 "max": "num", "max_op": "str", "min_op": "str", "criteria": ("list", _CRITERION),
                 "amount_min_wan": "num", "rate_permille": "num", "cap_wan": "num"})
_QUALIFICATION = ("map", {"name": "str", "level": "str", "quote": "str", "group": "str"})
_LIMIT = ("map", {"kind": "str", "quote": "str", "years": "int", "group": "str", "amount_wan": "num", "per": "str",
                  "share_percent": "num", "share_of": "str", "provision": "int"})
_PER_UNIT = ("map", {"amount": "num", "unit": "str", "metric": "str", "period": "str", "max_quantity": "num",
                     "quantity_unit": "str"})
_PHASE = ("map", {"from_year": "int", "to_year": "int", "rate_percent": "num", "rate_permille": "num",
                  "rate_ceiling": "bool", "quote": "str"})
_ALTERNATIVE = ("map", {"label": "str", "quote": "str", "criteria": ("list", _CRITERION),
                        "qualifications": ("list", ("map", {"name": "str", "level": "str", "quote": "str"}))})

INCENTIVE: dict[str, Any] = {
    "id": "str", "provision": "int", "name": "str", "quote": "str", "kind": "str", "payer": "str",
    "recipient": "str", "basis": "str", "frequency": "str", "max_years": "int", "first_time": "bool",
    "selection": ("map", {"quota": "int", "per": "str", "method": "str", "quote": "str"}),
    "industries": ("list", "str"),
    "criteria": ("list", _CRITERION),
    "qualifications": ("list", _QUALIFICATION),
    "qualifications_mode": "str",
    "limits": ("list", _LIMIT),
    "defers_to": ("map", {"policy": "int", "document": "str", "unnamed": "str", "quote": "str"}),
    "note": "str", "project_kind": "str", "effective_from": "date", "effective_until": "date",
    # basis fields
    "amount_wan": "num", "ceiling": "bool", "tiers": ("list", _TIER), "tier_metric": "str", "tier_op": "str",
    "rate_percent": "num", "rate_ceiling": "bool", "rate_base": "str",
    "rate_base_excess_over_percent_of": ("map", {"percent": "num", "metric": "str"}),
    "cap_wan": "num", "amount_min_wan": "num", "rate_permille": "num", "per_unit": _PER_UNIT,
    "per_person": "bool", "persons_metric": "str", "alternatives": ("list", _ALTERNATIVE),
    "phases": ("list", _PHASE), "phase_start": "str",
    # drafting keys (rules draft writes them; checked, then set aside)
    "quotes": ("table", "str"), "document": "int", "review": "str",
}

SCHEMA: Any = ("map", {
    "version": "int",
    "documents": ("list", ("map", {"title": "str", "number": "str", "sha256": "str", "path": "str"})),
    "compilation": ("map", {"title": "str", "policies": "int", "provisions": "int", "quote": "str"}),
    "units": ("table", ("table", "num")),
    "metrics": ("table", ("map", {"label": "str", "dimension": "str", "description": "str", "unit": "str"})),
    "qualifications": ("table", ("map", {"label": "str", "levels": ("list", "str"), "aliases": ("list", "str"),
                                         "description": "str"})),
    "project_kinds": ("table", ("map", {"label": "str", "metrics": ("list", "str"), "description": "str"})),
    "incentives": ("list", ("map", INCENTIVE)),
})

_WORDS = {"str": "a non-empty text", "int": "a whole number", "num": "a number", "bool": "true or false",
          "date": "a date (YYYY-MM-DD)", "num|bool": "a number (or true/false for a yes/no metric)"}


def _got(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:30] + "…"
        return f"text {shown!r}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10 ** 30 else f"a {len(str(abs(value)))}-digit number"
        return text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _leaf(kind: str, value: Any, where: str) -> None:
    ok = True
    if kind == "any":
        return
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "date":
        ok = isinstance(value, (str, date))
    elif kind in ("int", "num", "num|bool"):
        if isinstance(value, bool):
            ok = kind == "num|bool"
        elif kind == "int":
            ok = isinstance(value, int)
        else:
            ok = isinstance(value, (int, float))
        if ok and not isinstance(value, bool):
            _magnitude(value, where)
    if not ok:
        raise DataError(f"{where}: expected {_WORDS[kind]}, got {_got(value)}")


def _magnitude(value: int | float, where: str) -> None:
    try:
        finite = math.isfinite(float(value))
    except OverflowError:  # an int of 400 digits
        finite = False
        if isinstance(value, int):
            raise DataError(f"{where}: {_got(value)} is too large; {NUMBER.hint()}") from None
    if not finite:
        raise DataError(f"{where}: expected a finite number, got {_got(value)}")
    if abs(value) >= NUMBER.value:
        raise DataError(f"{where}: {_got(value)} is too large; {NUMBER.hint()}")


def unknown_key(key: str, iid: Any) -> str:
    """The one error for a construct this engine does not know (issue 18: name the incentive and the key)."""
    return (f"incentive {iid}: unknown key {key!r}: not a construct this engine knows; the rules format is "
            "docs/rules.md")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_shape(doc: Any, file: str, schema: Any = SCHEMA) -> dict:
    """`doc` (a parsed rules file) if every key has its type; else one DataError naming `file` and the key.

    Iterative (an explicit stack), so no nesting can exhaust the interpreter's recursion."""
    if not isinstance(doc, dict):
        raise DataError(f"{file}: expected a mapping (version:, documents:, incentives:), got {_got(doc)}; "
                        "see docs/rules.md")
    stack: list[tuple[Any, Any, str, Any]] = [(schema, doc, "", None)]  # (type, value, path, incentive id)
    while stack:
        spec, value, path, incentive_id = stack.pop()
        where = f"{file}: {path}" if path else file
        if value is None and path and not path.endswith("]"):
            continue  # a null value: the strict parser knows whether the key may be null
        if isinstance(spec, str):
            if value is None:
                raise DataError(f"{where}: expected {_WORDS.get(spec, spec)}, got null (an empty list item)")
            _leaf(spec, value, where)
            continue
        form, inner = spec
        if form == "list":
            if not isinstance(value, list):
                raise DataError(f"{where}: expected a list, got {_got(value)}")
            for i in range(len(value) - 1, -1, -1):
                stack.append((inner, value[i], _join(path, i), incentive_id))
        elif form == "table":
            if not isinstance(value, dict):
                raise DataError(f"{where}: expected a mapping, got {_got(value)}")
            for key, item in value.items():
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise DataError(f"{where}: the key {key!r} is not a name; write keys as text")
                stack.append((inner, item, _join(path, str(key)), incentive_id))
        elif form == "map":
            if not isinstance(value, dict):
                what = "an incentive" if inner is INCENTIVE else "a mapping"
                raise DataError(f"{where}: expected {what}, got {_got(value)}")
            label = path
            if inner is INCENTIVE and isinstance(value.get("id"), str):
                label = f"{path} (id {value['id']})"
            if inner is INCENTIVE and "id" in value and not isinstance(value["id"], str):
                raise DataError(f"{where}: id: expected a non-empty text, got {_got(value['id'])}; write the id quoted, "
                                "e.g. \"1.1\" (unquoted 1.10 reads as 1.1)")
            iid = incentive_id if inner is not INCENTIVE else (value.get("id") or "(no id)")
            for key in reversed(list(value)):
                if not isinstance(key, str):
                    raise DataError(f"{where}: the key {key!r} is not a name; write keys as text")
                if key in inner:
                    stack.append((inner[key], value[key], _join(label, key), iid))
                elif iid is not None:
                    # inside an incentive: a key this engine has no construct for is one error naming both
                    raise DataError(f"{file}: {_join(label, key)}: {unknown_key(key, iid)}; allowed here: "
                                    f"{', '.join(sorted(inner))}")
    return doc
