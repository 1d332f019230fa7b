"""How the rules' numbers and levels are written in explanations (shared by every layer above)."""

from __future__ import annotations

#: Tolerance for comparing amounts in 万元 (float arithmetic).
TOLERANCE = 1e-9

OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
LEVEL_TEXT = {"national": "国家级", "provincial": "省级", "municipal": "市级"}


def num(x: float | int | None) -> str:
    """A number as people write it: 1600, 1.6, 0.25 (no exponent, no trailing zeros)."""
    if x is None:
        return "?"
    if isinstance(x, bool):
        return "yes" if x else "no"
    text = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
