"""In force on a day: the one test the catalogue, the engine, the matcher and the overlaps share.

The Cypher queries (policies_in_force, provisions_in_force, eligibility) state the same test.
"""

from __future__ import annotations

from datetime import date


def validity_status(effective_from: str | None, effective_until: str | None, day: date) -> str:
    """'in_force' | 'expired' | 'not_yet' on `day`, from ISO dates (both inclusive; null is open)."""
    iso = day.isoformat()
    if effective_until and iso > effective_until:
        return "expired"
    if effective_from and iso < effective_from:
        return "not_yet"
    return "in_force"


def in_force(effective_from: str | None, effective_until: str | None, day: date) -> bool:
    return validity_status(effective_from, effective_until, day) == "in_force"
