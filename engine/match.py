"""Batch matching (免申即享): every enterprise of a register against every incentive, vectorised.

`Matcher(engine)` takes the single-profile engine's compiled incentives
(`policykg.engine.eligibility.Engine.compiled`) and evaluates each one over whole
columns of a register chunk with numpy: criteria as array comparisons, held
qualifications and industries as boolean columns, tiers by array selection, rate ×
base with caps, and the text's limits (首次, 进档差额, N年内不重复, 每年只享受一项, caps,
最长N年) against prior awards with `np.bincount` per row. The answer is the engine's,
row by row: the same statuses (only ``eligible`` and ``needs_selection`` are written) and
the same amounts, which `tests/test_match.py` proves against `Engine.evaluate`.

Scope: enterprise-level incentives. Those paid per project, product, platform, app or
licence (`project_kind` set) need the enterprise's projects, which a flat register does
not list; they are left out (`Matcher.project_level` names them) -- use ``policykg
eligible`` with a profile listing the projects. A projects table (`match_register(...,
projects=...)`) is read, checked and joined to each chunk's `Population` already. Recipients that are never an enterprise
(district governments, institutions, the public) never match.

`match_register(path, output, as_of)` streams a register (engine/register.py) chunk by
chunk and writes the matches to a temporary file in the output's folder, renamed into
place only when every row has been read and written: a bad row leaves nothing behind.
No threshold or amount is written here: they come from data/incentives.yaml.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa

from policykg.engine.eligibility import DERIVED, NOT_ENTERPRISE, TOLERANCE as _EPS, CompiledIncentive, Engine
from policykg.engine.register import (CHUNK_ROWS, CSV_BLOCK_BYTES, Chunk, ProjectsTable, RegisterReader, UniqueIds,
                                      parse_layout)
from policykg.errors import DataError, InputError, OutputError, RegisterError
from policykg.output import OutputTarget, csv_safe_table
from policykg.rules.validity import validity_status

#: Recipients that are never an enterprise (the engine answers not_eligible).

#: The engine's derived metrics (eligibility.DERIVED), over arrays: NaN where the engine says None.
DERIVED_ARRAYS: dict[str, Callable[..., np.ndarray]] = {
    "revenue_growth": lambda revenue, revenue_prev: _ratio(revenue - revenue_prev, revenue_prev),
    "revenue_increase": lambda revenue, revenue_prev: revenue - revenue_prev,
    "rd_ratio": lambda rd_spend, revenue_prev: _ratio(rd_spend, revenue_prev),
}

OUTPUT_SCHEMA = pa.schema([
    ("enterprise_id", pa.string()),
    ("enterprise_name", pa.string()),
    ("incentive", pa.string()),
    ("seq", pa.int32()),
    ("policy", pa.int32()),
    ("status", pa.string()),
    ("amount_wan", pa.float64()),
    ("amount_is_ceiling", pa.bool_()),
    ("as_of", pa.string()),  # the day answered for: a matches file states its own date
])

_CMP = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "==": np.equal}


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b × 100, NaN where b is 0 (the engine's ``if revenue_prev`` is falsy) or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1.0) * 100, np.nan)


# --------------------------------------------------------------------------- compiled for arrays


@dataclass(frozen=True)
class _Target:
    """One enterprise-level incentive, with what the matcher needs resolved once."""

    c: CompiledIncentive
    index: int  # in Matcher.incentive_ids (all incentives: awards may name any)
    status: str  # eligible | needs_selection when everything is met
    ceiling: bool  # amount_is_ceiling when there is an amount
    scopes: tuple[tuple[int, ...], ...]  # per limit: the incentive indexes its awards count over


class Matcher:
    """The engine's rules, evaluated over register chunks (see the module docstring)."""

    def __init__(self, engine: Engine | None = None):
        self.engine = engine or Engine()
        self.incentive_ids = [c.id for c in self.engine.compiled]
        index = {iid: k for k, iid in enumerate(self.incentive_ids)}
        for key, m in self.engine.rules.metrics.items():
            if m.computed_from and key in DERIVED and key not in DERIVED_ARRAYS:
                raise DataError(f"data/metrics.yaml: metrics.{key}: the engine derives it, but the batch matcher "
                                "has no array formula for it; add one to DERIVED_ARRAYS in engine/match.py")
        targets = []
        for c in self.engine.compiled:
            inc = c.rule
            if inc.per_project or inc.recipient in NOT_ENTERPRISE:
                continue
            # needs_selection when met: competitive, a threshold not stated, paid under another policy,
            # or left to the districts (payer: district, eligibility.DISTRICT_DISCRETION)
            competitive = (bool(c.unstated) or inc.selection is not None or inc.basis == "defers_to"
                           or inc.payer == "district")
            ceiling = inc.rate_ceiling if inc.basis in ("rate", "matching") else inc.ceiling
            scopes = tuple(tuple(index[i] for i in (self.engine.group_members.get(lim.group, (c.id,))
                                                    if lim.group else (c.id,)))
                           for lim in inc.limits)
            targets.append(_Target(c, index[c.id], "needs_selection" if competitive else "eligible",
                                   bool(ceiling), scopes))
        self.targets: tuple[_Target, ...] = tuple(targets)
        self.project_level: tuple[str, ...] = tuple(c.id for c in self.engine.compiled if c.rule.per_project)

    # -- one chunk

    def in_force(self, day: date) -> list[_Target]:
        return [t for t in self.targets
                if validity_status(t.c.effective_from, t.c.effective_until, day) == "in_force"]

    def match_chunk(self, chunk: Chunk, day: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, target position in `self.targets`, amount or NaN) of every match, row-major."""
        ctx = _Rows(self, chunk, day)
        rows, which, amounts = [], [], []
        pos = {id(t): k for k, t in enumerate(self.targets)}
        for t in self.in_force(day):
            ok, amount = ctx.evaluate(t)
            hit = np.flatnonzero(ok)
            rows.append(hit)
            which.append(np.full(len(hit), pos[id(t)], dtype=np.int32))
            amounts.append(amount[hit])
        if not rows:
            e = np.array([], dtype=np.int64)
            return e, e.astype(np.int32), np.array([], dtype=np.float64)
        row = np.concatenate(rows)
        order = np.argsort(row, kind="stable")
        return row[order], np.concatenate(which)[order], np.round(np.concatenate(amounts)[order], 4)

    def table(self, chunk: Chunk, day: date) -> pa.Table:
        """The matches of one chunk as rows of OUTPUT_SCHEMA."""
        row, which, amount = self.match_chunk(chunk, day)
        return self._table(chunk, row, which, amount, day)

    def _table(self, chunk: Chunk, row, which, amount, day: date) -> pa.Table:
        ids = pa.array([t.c.id for t in self.targets], pa.string())
        seqs = np.array([t.c.rule.provision for t in self.targets], dtype=np.int32)
        policies = np.array([t.c.policy for t in self.targets], dtype=np.int32)
        statuses = pa.array([t.status for t in self.targets], pa.string())
        ceilings = np.array([t.ceiling for t in self.targets], dtype=bool)
        idx = pa.array(row, pa.int64())
        wh = pa.array(which, pa.int32())
        has = ~np.isnan(amount)
        return pa.table({
            "enterprise_id": chunk.ids.take(idx),
            "enterprise_name": chunk.names.take(idx),
            "incentive": ids.take(wh),
            "seq": pa.array(seqs[which], pa.int32()),
            "policy": pa.array(policies[which], pa.int32()),
            "status": statuses.take(wh),
            "amount_wan": pa.array(amount, pa.float64(), mask=~has),
            "amount_is_ceiling": pa.array(ceilings[which] & has, pa.bool_()),
            "as_of": pa.array([day.isoformat()] * len(row), pa.string()),
        }, schema=OUTPUT_SCHEMA)


class _Rows:
    """One chunk × one day: the engine's `_Evaluator` steps, each over all rows at once."""

    def __init__(self, m: Matcher, chunk: Chunk, day: date):
        self.m, self.ch, self.day, self.n = m, chunk, day, chunk.n
        self.year = day.year
        self.daynum = (day - date(1970, 1, 1)).days
        self._values: dict[str, np.ndarray] = {}
        self.a_row, self.a_inc, self.a_year, self.a_amt, self.a_level = chunk.awards(self.year)

    # -- profile access

    def value(self, key: str) -> np.ndarray:
        """The engine's `value()`: the register's column, else derived (rounded to 6), else NaN."""
        if key in self._values:
            return self._values[key]
        m = self.m.engine.rules.metrics[key]
        given = self.ch.metrics.get(key)
        out = given if given is not None else np.full(self.n, np.nan)
        if m.computed_from and key in DERIVED:
            inputs = [self.value(k) for k in m.computed_from]
            derived = np.round(DERIVED_ARRAYS[key](*inputs), 6)
            out = derived if given is None else np.where(np.isnan(given), derived, given)
        self._values[key] = out
        return out

    def awards_in(self, scope: Iterable[int], same_year: bool = False) -> np.ndarray:
        """A mask over the chunk's (counted) awards: those of incentives in `scope`."""
        mask = np.isin(self.a_inc, list(scope))
        if same_year:
            mask &= self.a_year == self.year
        return mask

    def per_row(self, mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(self.a_row[mask], weights=None if weights is None else weights[mask], minlength=self.n)

    # -- one incentive

    def evaluate(self, t: _Target) -> tuple[np.ndarray, np.ndarray]:
        """(clean: eligible/needs_selection, amount 万元 or NaN) for every row."""
        inc, n = t.c.rule, self.n
        ok = np.ones(n, dtype=bool)
        if inc.industries:
            ok &= self.ch.industries_any(inc.industries)
        if inc.qualifications:
            # every clause (an entry without a group; a group; a mode-any list) met by one entry held;
            # for a 首次 award whose policy states its start, only titles obtained while it is in force
            # (an entry dated before the start, or undated, rules the title out: not_eligible / missing_data)
            since = t.c.effective_from if inc.first_time else None
            since_day = (date.fromisoformat(since) - date(1970, 1, 1)).days if since else None
            for clause in inc.qualification_clauses:
                ok &= np.logical_or.reduce([self.ch.held(q.name, q.level, self.daynum, since_day) for q in clause])
        for chk in t.c.checks:
            v = self.value(chk.metric)
            if isinstance(chk.value, bool):
                ok &= v == float(chk.value)  # NaN (missing) is never equal
            else:
                ok &= _CMP[chk.op](np.round(v, 6) + 0.0, round(chk.value, 6) + 0.0)
        tier = None
        if inc.basis == "fixed":
            amount = np.full(n, float(inc.amount_wan))
        elif inc.basis == "tiers":
            amount, tier, reached = self.tiered(t)
            ok &= reached
        elif inc.basis in ("rate", "matching"):
            amount = self.rated(t)
            ok &= ~np.isnan(amount)
        else:  # unspecified, defers_to, non_monetary: no amount in this text
            amount = np.full(n, np.nan)
        if inc.first_time or inc.limits or inc.max_years or inc.frequency == "once":
            ok, amount = self.limits(t, ok, amount, tier)
        return ok, amount

    def tiered(self, t: _Target):
        inc, n = t.c.rule, self.n
        v = self.value(inc.tier_metric) if inc.tier_metric else None
        T = len(inc.tiers)
        hit = np.zeros((T, n), dtype=bool)  # a missing tier metric (the engine's None) reaches nothing
        amounts = np.full((T, n), np.nan)
        base = self.value(inc.rate_base) if inc.rate_base else None
        for k, tr in enumerate(inc.tiers):
            r = np.ones(n, dtype=bool)
            if tr.qualification is not None:
                r &= self.ch.held(tr.qualification, tr.level, self.daynum)
            if tr.min is not None:
                r &= _CMP[inc.tier_op](np.round(v, 6), round(tr.min, 6))
            hit[k] = r
            amounts[k] = float(tr.amount_wan) if tr.amount_wan is not None else tr.rate_percent / 100 * base
        any_hit = hit.any(axis=0)
        # missing data (some tier unknown, none reached) and no level reached are both "no"
        reached = any_hit.copy()
        rated = np.array([tr.rate_percent is not None for tr in inc.tiers])
        if rated.any():
            reached &= ~((hit & rated[:, None]).any(axis=0) & np.isnan(base))
        # best level: the highest amount (None counts 0), ties to the later level
        score = np.where(hit, np.nan_to_num(amounts, nan=0.0), -np.inf)
        best = T - 1 - np.argmax(score[::-1], axis=0)
        amount = amounts[best, np.arange(n)]
        if inc.cap_wan is not None:
            amount = np.where(amount > inc.cap_wan + _EPS, float(inc.cap_wan), np.round(amount, 4))
        else:
            amount = np.round(amount, 4)
        amount = np.where(reached, amount, np.nan)
        return amount, best, reached

    def rated(self, t: _Target) -> np.ndarray:
        inc = t.c.rule
        base = self.value(inc.rate_base)
        ex = inc.rate_base_excess_over
        if ex is not None:
            other = self.value(ex.metric)
            base = np.maximum(0.0, base - ex.percent / 100 * other)  # NaN stays NaN: missing
        else:
            base = np.where(base > 0, base, np.nan)  # a share of nothing (营收增量 after a fall) pays nothing
        raw = inc.rate_percent / 100 * base
        if inc.cap_wan is not None:
            raw = np.minimum(raw, inc.cap_wan)
        return np.round(raw, 4)

    def limits(self, t: _Target, ok: np.ndarray, amount: np.ndarray, tier):
        """The engine's `limits()`: earlier awards, the text's caps, 最长N年."""
        inc, year = t.c.rule, self.year
        own = self.awards_in((t.index,))
        own_count = self.per_row(own)
        has_amount = ~np.isnan(amount)
        if inc.first_time:
            if tier is not None:
                # an earlier award at this level or higher: amount ≥ this level's, or its level named
                rows = self.a_row[own]
                labels = [tr.label for tr in inc.tiers]
                words = [tr.level for tr in inc.tiers]
                level_text = np.array(self.ch.award_levels + [""], dtype=object)[self.a_level[own]] \
                    if len(rows) else np.array([], dtype=object)
                chosen = tier[rows]
                same = np.array([lv != "" and (lv == labels[c] or lv == words[c])
                                 for lv, c in zip(level_text, chosen)], dtype=bool)
                higher = (self.a_amt[own] >= amount[rows] - _EPS) | same
                blocked = np.bincount(rows[higher], minlength=self.n) > 0
                ok &= ~(blocked & has_amount) & ~(~has_amount & (own_count > 0))
            else:
                ok &= own_count == 0
        if (inc.frequency == "once" and not inc.first_time and inc.limit("tier_difference") is None
                and inc.limit("no_repeat_years") is None):
            ok &= own_count == 0  # 一次性: paid once
        if inc.limit("tier_difference") is not None:
            received = self.per_row(own, self.a_amt)
            apply = ok & (own_count > 0) & has_amount
            new = np.maximum(0.0, amount - received)
            ok &= ~(apply & (new <= _EPS))
            amount = np.where(apply, new, amount)
        for lim, scope in zip(inc.limits, t.scopes):
            if lim.kind == "no_repeat_years":
                recent = self.awards_in(scope) & (year - self.a_year < lim.years)
                ok &= self.per_row(recent) == 0
            elif lim.kind == "one_per_year":
                ok &= self.per_row(self.awards_in(scope, same_year=True)) == 0
            elif lim.kind in ("annual_total_cap", "total_cap"):
                used_mask = self.awards_in(scope, same_year=lim.kind == "annual_total_cap")
                count = self.per_row(used_mask)
                used = self.per_row(used_mask, self.a_amt)
                remaining = np.maximum(0.0, lim.amount_wan - used)
                used_up = (count > 0) & (remaining <= _EPS)
                ok &= ~used_up
                amount = np.where(~used_up & (amount > remaining + _EPS), remaining, amount)
            elif lim.kind == "per_item_cap":
                amount = np.where(amount > lim.amount_wan + _EPS, float(lim.amount_wan), amount)
        if inc.max_years and inc.frequency == "yearly":
            earlier = own & (self.a_year < year)
            pairs = np.unique(self.a_row[earlier] * 10_000 + self.a_year[earlier])
            years = np.bincount(pairs // 10_000, minlength=self.n)
            ok &= years < inc.max_years
        return ok, amount


# --------------------------------------------------------------------------- a whole register


@dataclass
class PolicyTotals:
    policy: int
    title: str
    eligible: int = 0
    eligible_wan: float = 0.0
    needs_selection: int = 0
    needs_selection_up_to_wan: float = 0.0


@dataclass
class MatchSummary:
    """What a batch match found: counts, money by policy, where it was written, how long it took."""

    source: str
    output: str | None
    as_of: date
    enterprises: int = 0
    matched_enterprises: int = 0  # with at least one eligible / needs_selection row
    enterprises_with_money: int = 0  # with at least one eligible row paying an amount
    rows: int = 0
    seconds: float = 0.0
    by_policy: dict[int, PolicyTotals] = field(default_factory=dict)
    by_incentive: dict[str, int] = field(default_factory=dict)
    incentives_matched: int = 0  # enterprise-level incentives in force on as_of
    project_level: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    @property
    def eligible_wan(self) -> float:
        return round(sum(p.eligible_wan for p in self.by_policy.values()), 4)

    @property
    def needs_selection_up_to_wan(self) -> float:
        return round(sum(p.needs_selection_up_to_wan for p in self.by_policy.values()), 4)

    def policy_rows(self) -> list[dict]:
        return [{"policy": p.policy, "title": p.title, "eligible": p.eligible,
                 "eligible_wan": round(p.eligible_wan, 4), "needs_selection": p.needs_selection,
                 "up_to_wan": round(p.needs_selection_up_to_wan, 4)}
                for p in sorted(self.by_policy.values(), key=lambda p: p.policy)]

    def to_dict(self) -> dict:
        return {
            "source": self.source, "output": self.output, "as_of": self.as_of.isoformat(),
            "enterprises": self.enterprises, "matched_enterprises": self.matched_enterprises,
            "enterprises_with_money": self.enterprises_with_money, "rows": self.rows,
            "seconds": round(self.seconds, 3), "eligible_wan": self.eligible_wan,
            "needs_selection_up_to_wan": self.needs_selection_up_to_wan, "by_policy": self.policy_rows(),
            "by_incentive": dict(self.by_incentive), "incentives_matched": self.incentives_matched,
            "project_level_not_matched": list(self.project_level), "warnings": list(self.warnings),
        }


class _Output:
    """Parquet or CSV, written to a temporary file beside the target and renamed at the end
    (`policykg.output.OutputTarget`: refuses an input as output, cleans up on signals).
    CSV text cells that would start a spreadsheet formula get a leading ' (unless --raw-csv)."""

    def __init__(self, path: str | os.PathLike, inputs: tuple = ()):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".parquet", ".pq"):
            raise InputError(f"-o {path}: write the matches to a .csv or .parquet file")
        self.format = "csv" if suffix == ".csv" else "parquet"
        self.target = OutputTarget(path, inputs)
        try:
            if self.format == "parquet":
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.target.name, OUTPUT_SCHEMA)
            else:
                import pyarrow.csv as pacsv

                self.writer = pacsv.CSVWriter(self.target.name, OUTPUT_SCHEMA)
        except OSError as exc:
            self.target.abort()
            raise OutputError(f"{path}: cannot write there ({exc}); choose another -o path") from None

    def write(self, table: pa.Table) -> None:
        try:
            self.writer.write_table(csv_safe_table(table) if self.format == "csv" else table)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write there ({exc}); choose another -o path") from None

    def commit(self) -> None:
        try:
            self.writer.close()
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.path}: cannot write there ({exc}); choose another -o path") from None
        self.target.commit()

    def abort(self) -> None:
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001 - already failing; the temp file goes anyway
            pass
        self.target.abort()


def _refuse_same_file(source: str | os.PathLike, output: str | os.PathLike, what: str = "register") -> None:
    """-o naming the register (or projects table) itself, or a link to it, would replace it with the matches."""
    src, out = Path(source), Path(output)
    try:
        same = out.exists() and os.path.samefile(src, out)
    except OSError:
        same = False
    if same or src.resolve() == out.resolve():
        raise InputError(f"-o {output}: that is the {what} {source} itself; writing the matches there would "
                         f"replace the {what}: choose another -o path")


def match_register(source: str | os.PathLike, output: str | os.PathLike | None, as_of: date, *,
                   matcher: Matcher | None = None, chunk_rows: int = CHUNK_ROWS, encoding: str = "utf-8",
                   csv_block_bytes: int = CSV_BLOCK_BYTES,
                   progress: Callable[[int, float | None], None] | None = None,
                   sink: Callable[[pa.Table], None] | None = None,
                   projects: str | os.PathLike | None = None) -> MatchSummary:
    """Match every enterprise of the register `source` on `as_of`; write the matches to `output`.

    `projects`: a projects table (docs/register.md), read whole before the first chunk; each
    chunk's enterprises get their projects (`Chunk.population`), and a project whose
    enterprise_id is in no chunk is a `RegisterError` at the end (no output is written).

    `output` is a .csv or .parquet path (written atomically), or None with a `sink`
    receiving each chunk's table (tests, Neo4j comparisons). `progress(rows_read,
    fraction_or_None)` is called after each chunk. CSV is read in blocks of `csv_block_bytes`,
    parquet in `chunk_rows` rows: memory stays bounded whatever the file's size.
    """
    t0 = time.perf_counter()
    matcher = matcher or Matcher()
    engine = matcher.engine
    reader = RegisterReader(source, engine.vocabulary, chunk_rows=chunk_rows, encoding=encoding,
                            csv_block_bytes=csv_block_bytes)
    if output is not None:
        _refuse_same_file(source, output)
        if projects is not None:
            _refuse_same_file(projects, output, "projects table")
    # -- projects: read whole (and checked) before anything is written
    table_of_projects = (ProjectsTable(projects, engine.vocabulary, matcher.incentive_ids, encoding=encoding,
                                       chunk_rows=chunk_rows, csv_block_bytes=csv_block_bytes)
                         if projects is not None else None)
    out = _Output(output, (source, projects)) if output is not None else None
    ids = UniqueIds()
    titles = {t.c.policy: t.c.policy_title for t in matcher.targets}
    summary = MatchSummary(str(source), str(output) if output is not None else None, as_of,
                           project_level=matcher.project_level)
    summary.incentives_matched = len(matcher.in_force(as_of))
    n_targets = len(matcher.targets)
    count = np.zeros(n_targets, dtype=np.int64)
    money = np.zeros(n_targets)
    unknown_industries: dict[str, list[int]] = {}
    try:
        for batch, fraction in reader.batches():
            chunk = Chunk(batch, reader.layout, engine.vocabulary, matcher.incentive_ids, summary.enterprises)
            ids.add(chunk)
            for name in chunk.industry_names():
                if name not in engine.industries:
                    rows, first = chunk.industry_rows(name)
                    seen = unknown_industries.setdefault(name, [0, summary.enterprises + first + 1])
                    seen[0] += rows
            # -- the chunk (with its projects) as the evaluator's input (match_chunk does not read it yet)
            population = chunk.population(table_of_projects.for_chunk(chunk) if table_of_projects else None)
            row, which, amount = matcher.match_chunk(chunk, as_of)
            table = matcher._table(chunk, row, which, amount, as_of)
            if out is not None:
                out.write(table)
            if sink is not None:
                sink(table)
            count += np.bincount(which, minlength=n_targets)
            money += np.bincount(which, weights=np.nan_to_num(amount), minlength=n_targets)
            per_row = np.bincount(row, minlength=chunk.n)
            summary.matched_enterprises += int((per_row > 0).sum())
            eligible_money = np.array([t.status == "eligible" for t in matcher.targets])[which] & (
                np.nan_to_num(amount) > 0)
            summary.enterprises_with_money += int((np.bincount(row[eligible_money], minlength=chunk.n) > 0).sum())
            summary.rows += len(row)
            summary.enterprises += chunk.n
            if progress is not None:
                progress(summary.enterprises, fraction)
        if table_of_projects is not None:
            table_of_projects.check_all_matched(reader.source)
        if out is not None:
            out.commit()
    except BaseException:
        if out is not None:
            out.abort()
        raise
    for k, t in enumerate(matcher.targets):
        if not count[k]:
            continue
        summary.by_incentive[t.c.id] = int(count[k])
        p = summary.by_policy.setdefault(t.c.policy, PolicyTotals(t.c.policy, titles[t.c.policy]))
        if t.status == "eligible":
            p.eligible += int(count[k])
            p.eligible_wan += float(money[k])
        else:
            p.needs_selection += int(count[k])
            p.needs_selection_up_to_wan += float(money[k])
    for name, (rows, first) in sorted(unknown_industries.items()):
        summary.warnings.append(
            f"{reader.source}: industries: {name!r} is not an industry section of the compilation ({rows} rows, "
            f"first row {first}); it matches no industry-specific award (known: {', '.join(sorted(engine.industries))})")
    summary.seconds = time.perf_counter() - t0
    return summary


def match_table(table: pa.Table, as_of: date, matcher: Matcher | None = None, source: str = "register") -> pa.Table:
    """Match an in-memory register (a pyarrow Table with register columns); returns OUTPUT_SCHEMA rows."""
    matcher = matcher or Matcher()
    layout = parse_layout(table.column_names, matcher.engine.vocabulary, source, is_csv=False)
    tables, offset = [], 0
    ids = UniqueIds()
    for batch in table.to_batches(max_chunksize=CHUNK_ROWS):
        chunk = Chunk(batch, layout, matcher.engine.vocabulary, matcher.incentive_ids, offset)
        ids.add(chunk)
        tables.append(matcher.table(chunk, as_of))
        offset += chunk.n
    return pa.concat_tables(tables) if tables else OUTPUT_SCHEMA.empty_table()


__all__ = ["DERIVED_ARRAYS", "Matcher", "MatchSummary", "OUTPUT_SCHEMA", "PolicyTotals", "match_register",
           "match_table"]
