"""The graph in a real Neo4j: connect, load (batched, idempotent, all-or-nothing), query.

Library first: `Neo4jConfig.resolve(...)` reads options and the usual environment
(``NEO4J_URI``, ``NEO4J_USERNAME``/``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``),
`Neo4jStore(config)` creates the one driver and closes it (use it as a context
manager), and every failure of the driver becomes one of the `policykg.errors`
classes with a one-line message naming the URI and the fix, never the password.

No Cypher lives here: every statement is a named file under ``queries/``
(``queries/write/`` for the schema and load statements), run with parameters only.

Loading (`Neo4jStore.load`):

1. uniqueness constraints on ``uid`` for every label, ``IF NOT EXISTS`` (schema
   statements cannot share a transaction with data writes, so they run first, each
   on its own; they are idempotent);
2. then ONE write transaction: with ``replace``, delete the nodes carrying the
   graph's labels; ``UNWIND $rows`` + ``MERGE`` nodes label by label, then
   relationships type by type, in batches of `batch_size` rows. Properties are
   replaced (``SET n = row.props``), so loading twice gives the same graph.
   Any failure rolls the whole transaction back: the previous graph stays as it was.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import networkx as nx

from policykg.errors import (
    CypherError,
    DataError,
    InputError,
    Neo4jAuthError,
    Neo4jDatabaseError,
    Neo4jUnavailableError,
    PolicyKGError,
    register_secret,
)
from policykg.i18n import plain
from policykg.graph.model import LABELS
from policykg.graph.model import counts as graph_counts
from policykg.limits import FIELD_BYTES, check_json_depth, read_bounded
from policykg.loaders.yamlio import refuse_lone_surrogates
from policykg.queries import NamedQuery, has_query, load_query

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USERNAME = "neo4j"
BATCH_SIZE = 5000
LOCK_LABEL = "PolicykgLoad"  # the load lock node (queries/write/load_lock.cypher); never left behind
START_HINT = "start one with `docker compose up -d neo4j` or `scripts/neo4j.sh start`"


# --- connection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Neo4jConfig:
    """Where and as whom to connect. The password never appears in repr() or messages."""

    uri: str = DEFAULT_URI
    username: str = DEFAULT_USERNAME
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
        password_file: str | os.PathLike | None = None,
        env: dict[str, str] | None = None,
    ) -> "Neo4jConfig":
        """Options first, then NEO4J_URI / NEO4J_USERNAME (or NEO4J_USER) / NEO4J_PASSWORD / NEO4J_DATABASE."""
        env = os.environ if env is None else env
        register_secret(password)
        register_secret(env.get("NEO4J_PASSWORD"))
        if password is not None and password_file is not None:
            raise InputError("give either --password or --password-file, not both")
        if password_file is not None:
            password = read_password_file(password_file)
            register_secret(password)
        uri, uri_user, uri_password = split_uri((uri or env.get("NEO4J_URI") or DEFAULT_URI).strip())
        if password is None:
            password = uri_password if uri_password is not None else env.get("NEO4J_PASSWORD") or None
        return cls(
            uri=uri,
            username=username or uri_user or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or DEFAULT_USERNAME,
            password=password,
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    @property
    def where(self) -> str:
        return self.uri + (f" (database {self.database})" if self.database else "")


URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def split_uri(uri: str) -> tuple[str, str | None, str | None]:
    """(uri without userinfo, user, password) of a Bolt URI; any other scheme is an InputError.

    A password written into the URI (bolt://neo4j:PW@host) is taken out of it here, so
    the URI that messages and reports show never holds it."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    try:
        parts = urlsplit(uri)
        user, password = parts.username, parts.password
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InputError(f"bad Neo4j URI {uri!r}; use e.g. bolt://localhost:7687 or neo4j://host:7687") from None
    register_secret(password)
    if password is not None:
        register_secret(unquote(password))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"bad Neo4j URI {uri!r}: a Bolt URI has no path or query (percent-encode a '/' or '@' "
                         "in a password as %2F / %40, or give it with --password-file)")
    if parts.scheme.lower() not in URI_SCHEMES or not host:
        raise InputError(f"bad Neo4j URI {uri!r}: the scheme must be one of {', '.join(URI_SCHEMES)} with a host, "
                         "e.g. bolt://localhost:7687")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) if user else None, unquote(password) if password is not None else None


def read_password_file(path: str | os.PathLike) -> str:
    """The first line of `path`, without its newline (the file's content is never echoed)."""
    try:
        text = read_bounded(path, FIELD_BYTES, InputError, f"--password-file {path}",
                            regular_only=False).decode("utf-8")  # a pipe keeps it off disk
    except OSError as exc:
        raise InputError(f"--password-file {path}: cannot read it ({exc.strerror}); give a readable file") from None
    except UnicodeDecodeError:
        raise InputError(f"--password-file {path}: not UTF-8 text; put the password on its first line as text") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise InputError(f"--password-file {path}: the file is empty; put the password on its first line")
    return lines[0]


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _os_reason(exc: BaseException) -> str | None:
    """The operating system's reason (e.g. 'Connection refused') behind a connection failure."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.strerror:
            return exc.strerror
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def map_error(exc: BaseException, config: Neo4jConfig, what: str = "") -> PolicyKGError:
    """Turn a driver exception into the policykg error that says what failed and how to fix it."""
    from neo4j import exceptions as ne

    prefix = f"{what}: " if what else ""
    code = getattr(exc, "code", None) or ""
    detail = _first_line(getattr(exc, "message", None) or str(exc))
    if isinstance(exc, ne.AuthError) or code.startswith("Neo.ClientError.Security.") and (
        "Unauthorized" in code or "AuthenticationRateLimit" in code or "CredentialsExpired" in code
    ):
        hint = "check --username/--password/--password-file or NEO4J_USERNAME/NEO4J_PASSWORD"
        if "AuthenticationRateLimit" in code:
            hint = "too many failed attempts: wait a few seconds, then " + hint
        msg = f"{prefix}Neo4j at {config.uri} refused the credentials of user {config.username!r}; {hint}"
        return Neo4jAuthError(_scrub(msg, config.password))
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        msg = (f"{prefix}database {config.database!r} does not exist on {config.uri}; "
               "use an existing one with --database/NEO4J_DATABASE, or leave it out for the server's default")
        return Neo4jDatabaseError(_scrub(msg, config.password))
    if isinstance(exc, ne.DatabaseUnavailable) or code.startswith("Neo.TransientError.General.DatabaseUnavailable"):
        msg = f"{prefix}database {config.database or '(default)'} on {config.uri} is not available: {detail}"
        return Neo4jDatabaseError(_scrub(msg, config.password))
    if code == "Neo.ClientError.Statement.AccessMode" or isinstance(exc, ne.ForbiddenOnReadOnlyDatabase):
        msg = (f"{prefix}this Cypher writes, but runs in a READ transaction; "
               "rerun with --write if you mean to change the database")
        return CypherError(_scrub(msg, config.password))
    if isinstance(exc, ne.CypherSyntaxError) or code == "Neo.ClientError.Statement.SyntaxError":
        return CypherError(_scrub(f"{prefix}Cypher syntax error: {detail}", config.password))
    if "MemoryPoolOutOfMemoryError" in code:
        msg = (f"{prefix}Neo4j at {config.uri} ran out of transaction memory ({detail}); the load is one "
               "transaction: give the server more heap (e.g. NEO4J_HEAP=2g scripts/neo4j.sh restart, or "
               "server.memory.heap.max_size / db.memory.transaction.total.max in neo4j.conf)")
        return CypherError(_scrub(msg, config.password))
    if isinstance(exc, ne.Neo4jError):
        kind = code.rsplit(".", 1)[-1] if code else "error"
        return CypherError(_scrub(f"{prefix}Cypher failed ({kind}): {detail}", config.password))
    if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, ne.ConnectionAcquisitionTimeoutError, OSError)):
        reason = _os_reason(exc) or detail.rstrip(":") or type(exc).__name__
        msg = f"{prefix}no Neo4j answers at {config.uri} ({reason}); {START_HINT}, or set --uri/NEO4J_URI"
        return Neo4jUnavailableError(_scrub(msg, config.password))
    if isinstance(exc, (ne.ConfigurationError, ValueError)):
        detail = _first_line(str(exc)).split(". ")[0]
        msg = f"{prefix}bad Neo4j URI {config.uri!r} ({detail}); use e.g. bolt://localhost:7687 or neo4j://host:7687"
        return InputError(_scrub(msg, config.password))
    if isinstance(exc, ne.DriverError):
        return Neo4jUnavailableError(_scrub(f"{prefix}Neo4j at {config.uri}: {detail}; {START_HINT}", config.password))
    raise exc


# --- READ mode: an allow-list ---------------------------------------------------------------

#: Plan operators a READ statement may use (names without '@db' or '(...)'; Partitioned* too).
READ_OPERATORS = frozenset("""
    AllNodesScan NodeByLabelScan UnionNodeByLabelsScan IntersectionNodeByLabelsScan SubtractionNodeByLabelsScan
    NodeByIdSeek NodeByElementIdSeek NodeIndexSeek NodeUniqueIndexSeek NodeIndexSeekByRange NodeIndexScan
    NodeIndexContainsScan NodeIndexEndsWithScan MultiNodeIndexSeek AssertingMultiNodeIndexSeek
    DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek DirectedRelationshipByElementIdSeek
    UndirectedRelationshipByElementIdSeek DirectedAllRelationshipsScan UndirectedAllRelationshipsScan
    DirectedRelationshipTypeScan UndirectedRelationshipTypeScan DirectedUnionRelationshipTypesScan
    UndirectedUnionRelationshipTypesScan DirectedRelationshipIndexSeek UndirectedRelationshipIndexSeek
    DirectedRelationshipUniqueIndexSeek UndirectedRelationshipUniqueIndexSeek DirectedRelationshipIndexScan
    UndirectedRelationshipIndexScan DirectedRelationshipIndexSeekByRange UndirectedRelationshipIndexSeekByRange
    DirectedRelationshipIndexContainsScan UndirectedRelationshipIndexContainsScan
    DirectedRelationshipIndexEndsWithScan UndirectedRelationshipIndexEndsWithScan
    NodeCountFromCountStore RelationshipCountFromCountStore Argument ArgumentTracker Input EmptyRow
    Expand OptionalExpand VarLengthExpand PruningVarLengthExpand BFSPruningVarLengthExpand
    ShortestPath StatefulShortestPath Trail Repeat NullifyMetadata ProjectEndpoints
    Filter Projection ProduceResults Limit ExhaustiveLimit Skip Sort PartialSort Top PartialTop Top1WithTies
    EagerAggregation OrderedAggregation Distinct OrderedDistinct Eager CacheProperties EmptyResult
    Apply SemiApply AntiSemiApply LetSemiApply LetAntiSemiApply SelectOrSemiApply SelectOrAntiSemiApply
    LetSelectOrSemiApply LetSelectOrAntiSemiApply RollUpApply ConditionalApply AntiConditionalApply
    Optional Anti CartesianProduct NodeHashJoin NodeLeftOuterHashJoin NodeRightOuterHashJoin ValueHashJoin
    Union OrderedUnion Unwind AssertSameNode AssertSameRelationship TriadicSelection TriadicBuild TriadicFilter
    ProcedureCall
""".split())

#: Procedures a READ statement may call: schema and metadata reads of this database only.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
})


def _operators(plan: Any) -> Iterator[tuple[str, str]]:
    """(operator name, its details) for every operator of an EXPLAIN plan, iteratively."""
    stack = [plan] if plan else []
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        name = str(node.get("operatorType", "")).split("@", 1)[0].split("(", 1)[0]
        yield name, str((node.get("args") or {}).get("Details", ""))
        stack.extend(node.get("children") or [])


def read_refusal(query_type: str | None, plan: Any) -> str | None:
    """Why a statement may not run in READ mode, or None when it is a plain read.

    An allow-list, not a deny-list: the server must classify it as a read query ('r'),
    every operator of its plan must be a data-reading one (READ_OPERATORS), and a
    procedure call must be one of READ_PROCEDURES. So administration commands (SHOW,
    TERMINATE, CREATE USER), LOAD CSV (a network or file read by the server) and
    arbitrary procedures are refused, and so is anything Neo4j adds later."""
    if query_type != "r":
        kind = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or is an administration "
                "command"}.get(query_type or "", f"is of kind {query_type!r}")
        return f"the statement {kind}"
    for name, details in _operators(plan):
        base = name[len("Partitioned"):] if name.startswith("Partitioned") else name
        if base not in READ_OPERATORS:
            what = "LOAD CSV makes the server fetch a file or URL" if base == "LoadCSV" else \
                f"it uses {name}, which is not a plain read (administration commands, LOAD CSV and the like)"
            return what
        if base == "ProcedureCall":
            procedure = details.split("(", 1)[0].strip()
            if procedure not in READ_PROCEDURES:
                return f"it calls the procedure {procedure or '?'}, not one of {', '.join(sorted(READ_PROCEDURES))}"
    return None


def _count_rows(rows: Iterable[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {"labels": {}, "relationships": {}}
    for row in rows:
        out["labels" if row["kind"] == "label" else "relationships"][row["name"]] = row["count"]
    return {k: dict(sorted(v.items())) for k, v in out.items()}


def _short_of(found: dict, expected: dict, exact: bool = False) -> str:
    """'120 of 466 Amount nodes' for the graph's labels and types Neo4j holds fewer of (or, `exact`,
    another number of) than the graph; '' when none."""
    short = [f"{found[key].get(name, 0)} of {n} {name} {'nodes' if key == 'labels' else 'relationships'}"
             for key in ("labels", "relationships") for name, n in expected[key].items()
             if found[key].get(name, 0) < n or exact and found[key].get(name, 0) != n]
    return ", ".join(short[:3])


# --- plain values ----------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Driver values as plain Python: nodes/relationships as dicts, temporal values as ISO strings."""
    from neo4j.graph import Node, Path as GraphPath, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": {k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("uid") if value.start_node is not None else None,
            "end": value.end_node.get("uid") if value.end_node is not None else None,
            "properties": {k: plain(v) for k, v in value.items()},
        }
    if isinstance(value, GraphPath):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


# --- rows for the load -----------------------------------------------------------------------


def _props(props: dict) -> dict:
    """Neo4j has no null property: a None value is simply not stored."""
    # a message (a note, a validity rule) is stored as its English text: Cypher reads plain strings
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in plain(props).items() if v is not None}


def node_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """{primary label: [{uid, props, labels}]} in the model's label order."""
    by_label: dict[str, list[dict]] = defaultdict(list)
    for uid, data in graph.nodes(data=True):
        labels = list(data["labels"])
        by_label[labels[0]].append({"uid": uid, "props": _props({**data["props"], "uid": uid}), "extra": labels[1:]})
    order = {label: i for i, label in enumerate(LABELS)}
    return dict(sorted(by_label.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def rel_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """{type: [{start uid, end uid, props}]} sorted by type."""
    by_type: dict[str, list[dict]] = defaultdict(list)
    for start, end, key, data in graph.edges(keys=True, data=True):
        by_type[data.get("type", key)].append({"start": start, "end": end, "props": _props(data.get("props", {}))})
    return dict(sorted(by_type.items()))


def check_loadable(graph: nx.MultiDiGraph) -> None:
    """Every label and type needs its write statement in queries/write/ (labels cannot be parameters)."""
    missing = [f"write/merge_nodes_{label}" for label in node_rows(graph) if not has_query(f"write/merge_nodes_{label}")]
    missing += [f"write/merge_rels_{t}" for t in rel_rows(graph) if not has_query(f"write/merge_rels_{t}")]
    if missing:
        raise DataError(
            f"the graph has labels/relationship types with no load statement: {', '.join(missing)}; "
            "add queries/<name>.cypher (copy merge_nodes_Policy.cypher or merge_rels_STATES.cypher)"
        )


def _batches(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


@dataclass
class LoadReport:
    uri: str
    database: str | None
    replaced: bool
    nodes: int
    relationships: int
    batches: int
    seconds: float
    deleted: int
    graph_counts: dict
    neo4j_counts: dict

    @property
    def parity(self) -> bool:
        return self.graph_counts == self.neo4j_counts

    def rows(self) -> list[dict]:
        out = []
        for kind, key in (("label", "labels"), ("relationship", "relationships")):
            names = sorted(set(self.graph_counts[key]) | set(self.neo4j_counts[key]))
            for name in names:
                g, n = self.graph_counts[key].get(name, 0), self.neo4j_counts[key].get(name, 0)
                out.append({"kind": kind, "name": name, "graph": g, "neo4j": n, "same": g == n})
        return out

    def as_dict(self) -> dict:
        return {
            "uri": self.uri, "database": self.database, "replaced": self.replaced, "nodes": self.nodes,
            "relationships": self.relationships, "batches": self.batches, "seconds": round(self.seconds, 3),
            "deleted": self.deleted, "parity": self.parity, "counts": self.rows(),
        }


# --- the store -------------------------------------------------------------------------------


class Neo4jStore:
    """One driver for one Neo4j; use as a context manager (or call close())."""

    def __init__(self, config: Neo4jConfig, verify: bool = True):
        from neo4j import GraphDatabase

        self.config = config
        auth = (config.username, config.password) if config.password is not None else None
        try:
            self.driver = GraphDatabase.driver(config.uri, auth=auth, connection_timeout=10,
                                               connection_acquisition_timeout=30,
                                               notifications_min_severity="OFF")
        except Exception as exc:  # noqa: BLE001 - mapped or re-raised
            raise map_error(exc, config, "connect") from None
        if verify:
            try:
                self.verify()
            except BaseException:
                self.close()
                raise

    # -- plumbing

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        driver, self.driver = getattr(self, "driver", None), None
        if driver is not None:
            driver.close()

    def _session(self, write: bool):
        from neo4j import READ_ACCESS, WRITE_ACCESS

        return self.driver.session(database=self.config.database,
                                   default_access_mode=WRITE_ACCESS if write else READ_ACCESS)

    def _guard(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except PolicyKGError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped or re-raised
            raise map_error(exc, self.config, what) from None

    def verify(self) -> None:
        """Reach the server, log in, and open the database (raises the mapped error)."""
        self._guard("connect", self.driver.verify_connectivity)
        self.run(load_query("server_version").body, {}, write=False, what="connect")

    # -- reading and ad-hoc Cypher

    def run(self, text: str, params: dict | None = None, write: bool = False, what: str = "query",
            changes: dict | None = None) -> list[dict]:
        """Run one statement in a READ (or, with write=True, WRITE) transaction; plain rows.

        `changes`, when given, is filled with what the statement changed (the server's counters
        that are not zero: nodes_created, properties_set, ...)."""
        def work(tx):
            result = tx.run(text, params or {})
            rows = [{k: plain(v) for k, v in record.items()} for record in result]
            if changes is not None:
                counters = result.consume().counters
                changes.clear()
                changes.update({k: v for k, v in vars(counters).items()
                                if not k.startswith("_") and isinstance(v, int) and not isinstance(v, bool) and v})
            return rows

        def go():
            with self._session(write) as session:
                return session.execute_write(work) if write else session.execute_read(work)

        return self._guard(what, go)

    def query(self, name: str, params: dict | None = None, write: bool = False) -> list[dict]:
        """Run the named query `name` (see `policykg queries`) with checked parameters.

        A query whose header says ``mode: write`` runs only with write=True (--write)."""
        q = load_query(name)
        q.check_mode(write)
        values = q.check_params(params or {})
        return self.run(q.body, values, write=q.write, what=f"query {name!r}")

    def cypher(self, text: str, params: dict | None = None, write: bool = False,
               changes: dict | None = None) -> list[dict]:
        """Ad-hoc Cypher: READ transaction unless write=True; in READ, only what `check_read_only` allows.

        `changes`: filled with the server's non-zero counters of the committed statement."""
        if not text or not text.strip():
            raise InputError("empty Cypher statement; give one, see `policykg cypher --help`")
        if not write:
            self.check_read_only(text, params)
        return self.run(text, params, write=write, what="cypher", changes=changes)

    def check_read_only(self, text: str, params: dict | None = None) -> None:
        """Refuse, before running it, a statement that is not a plain read (allow-list, see `read_refusal`).

        The server's own EXPLAIN says what kind of statement it is and which operators
        it would run; nothing is executed."""
        from neo4j import READ_ACCESS

        def go():
            with self.driver.session(database=self.config.database, default_access_mode=READ_ACCESS) as session:
                summary = session.run("EXPLAIN " + text, params or {}).consume()
                return summary.query_type, summary.plan

        query_type, plan = self._guard("cypher", go)
        reason = read_refusal(query_type, plan)
        if reason:
            raise CypherError(f"cypher: refused in READ mode: {reason}; rerun with --write if you mean it "
                              "and trust the statement")

    def server_version(self) -> dict:
        rows = self.query("server_version")
        return rows[0] if rows else {}

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts by label and relationship type, shaped like `policykg.graph.model.counts`."""
        return _count_rows(self.query("counts"))

    # -- writing

    def ensure_constraints(self, labels: Iterable[str] = LABELS) -> None:
        """Unique uid per label, IF NOT EXISTS; each in its own auto-commit (schema) transaction."""
        def go():
            with self._session(True) as session:
                for label in labels:
                    session.run(load_query(f"write/constraint_{label}").body).consume()

        self._guard("load (constraints)", go)

    def load(self, graph: nx.MultiDiGraph, replace: bool = False, batch_size: int = BATCH_SIZE) -> LoadReport:
        """Write `graph` (constraints first, then one all-or-nothing write transaction)."""
        check_loadable(graph)
        nodes, rels = node_rows(graph), rel_rows(graph)
        labels = list(dict.fromkeys([*LABELS, *nodes]))
        self.ensure_constraints([label for label in [*labels, LOCK_LABEL] if has_query(f"write/constraint_{label}")])
        t0 = time.perf_counter()
        stats = {"batches": 0, "deleted": 0}

        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        expected = graph_counts(graph)
        result: dict[str, Any] = {}

        def write(tx) -> None:
            # the lock first: a concurrent load waits here until this transaction ends
            tx.run(load_query("write/load_lock").body, started=started).consume()
            if replace:
                q = load_query("write/delete_graph")
                stats["deleted"] = tx.run(q.body, labels=labels).single()["deleted"]
            ids: dict[str, str] = {}
            extra: list[dict] = []
            for label, rows in nodes.items():
                body = load_query(f"write/merge_nodes_{label}").body
                for batch in _batches(rows, batch_size):
                    payload = [{"uid": r["uid"], "props": r["props"]} for r in batch]
                    for rec in tx.run(body, rows=payload):
                        ids[rec["uid"]] = rec["id"]
                    stats["batches"] += 1
                    extra += [{"uid": r["uid"], "labels": r["extra"]} for r in batch if r["extra"]]
            if extra:
                body = load_query("write/add_labels").body
                for batch in _batches(extra, batch_size):
                    tx.run(body, rows=[{"id": ids[r["uid"]], "labels": r["labels"]} for r in batch]).consume()
                    stats["batches"] += 1
            for rel_type, rows in rels.items():
                body = load_query(f"write/merge_rels_{rel_type}").body
                for batch in _batches(rows, batch_size):
                    payload = [{"start": ids[r["start"]], "end": ids[r["end"]], "props": r["props"]} for r in batch]
                    written = tx.run(body, rows=payload).single()["written"]
                    if written != len(payload):  # an endpoint vanished: never commit half a batch
                        raise CypherError(f"{rel_type}: wrote {written} of {len(payload)} relationships")
                    stats["batches"] += 1
            tx.run(load_query("write/load_unlock").body).consume()
            found = _count_rows(tx.run(load_query("counts").body).data())
            off = _short_of(found, expected, exact=replace)
            if off:  # never commit a graph short of the one loaded (nor, after --replace, other than it)
                raise CypherError(f"after writing, Neo4j would hold {off} (is another program writing to the "
                                  "database?)")
            result["counts"] = found

        def go():
            # An explicit transaction, not execute_write: a retry would only repeat a load that
            # failed for want of memory, and the caller should hear at once that nothing changed.
            with self._session(True) as session, session.begin_transaction() as tx:
                write(tx)
                tx.commit()

        try:
            self._guard("load", go)
        except (CypherError, Neo4jDatabaseError) as exc:
            raise type(exc)(
                f"{exc}; nothing was written: the load ran in one transaction, which was rolled back, "
                f"so the graph in {self.config.where} is as it was before"
            ) from None
        seconds = time.perf_counter() - t0
        return LoadReport(
            uri=self.config.uri, database=self.config.database, replaced=replace,
            nodes=graph.number_of_nodes(), relationships=graph.number_of_edges(), batches=stats["batches"],
            seconds=seconds, deleted=stats["deleted"], graph_counts=expected, neo4j_counts=result["counts"],
        )

    def load_one_row_per_transaction(self, graph: nx.MultiDiGraph, limit: int) -> tuple[int, int, float]:
        """The slow baseline for the benchmark: the same MERGE statements, one row per transaction.

        Writes the first `limit` nodes (in load order), then up to `limit` relationships
        among them; returns (nodes, relationships, seconds). Not for real loads.
        """
        nodes, rels = node_rows(graph), rel_rows(graph)
        self.ensure_constraints([label for label in nodes if has_query(f"write/constraint_{label}")])
        ids: dict[str, str] = {}
        n_nodes = n_rels = 0
        t0 = time.perf_counter()

        def go():
            nonlocal n_nodes, n_rels
            with self._session(True) as session:
                for label, rows in nodes.items():
                    body = load_query(f"write/merge_nodes_{label}").body
                    for r in rows:
                        if n_nodes >= limit:
                            break
                        rec = session.execute_write(
                            lambda tx: tx.run(body, rows=[{"uid": r["uid"], "props": r["props"]}]).single())
                        ids[rec["uid"]] = rec["id"]
                        n_nodes += 1
                for rel_type, rows in rels.items():
                    body = load_query(f"write/merge_rels_{rel_type}").body
                    for r in rows:
                        if n_rels >= limit:
                            return
                        if r["start"] not in ids or r["end"] not in ids:
                            continue
                        row = {"start": ids[r["start"]], "end": ids[r["end"]], "props": r["props"]}
                        session.execute_write(lambda tx: tx.run(body, rows=[row]).consume())
                        n_rels += 1

        self._guard("load (one row per transaction)", go)
        return n_nodes, n_rels, time.perf_counter() - t0

    def delete_graph(self, labels: Iterable[str] = LABELS) -> int:
        """Delete every node with one of `labels` (and its relationships); the test fixtures use it."""
        rows = self.run(load_query("write/delete_graph").body, {"labels": list(labels)}, write=True,
                        what="delete graph")
        return rows[0]["deleted"] if rows else 0


    def delete_everything(self) -> int:
        """Empty the whole database, whatever the labels: for the tests' throwaway server only."""
        rows = self.run(load_query("write/delete_all").body, {}, write=True, what="delete everything")
        return rows[0]["deleted"] if rows else 0


def connect(uri: str | None = None, username: str | None = None, password: str | None = None,
            database: str | None = None, password_file: str | None = None) -> Neo4jStore:
    """A verified store from options and the environment (see `Neo4jConfig.resolve`)."""
    return Neo4jStore(Neo4jConfig.resolve(uri, username, password, database, password_file))


INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _param_value(key: str, raw: str) -> Any:
    """One --param value: JSON when it parses, else the text; numbers Cypher can hold, depth bounded."""
    import json

    check_json_depth(raw, InputError, f"--param {key}")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return raw
    if isinstance(value, float) and value != value:  # NaN is not a Cypher literal anyone means
        return raw
    stack = [value]
    while stack:  # iterative: the depth is already bounded, but no recursion is needed either
        v = stack.pop()
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and not INT64[0] <= v <= INT64[1]:
            raise InputError(f"--param {key}: an integer outside Cypher's 64-bit range "
                             f"(-2^63..2^63-1); pass it as a string in quotes, e.g. '\"123...\"'")
        if isinstance(v, float) and v in (float("inf"), float("-inf")):
            raise InputError(f"--param {key}: {raw[:30]!r} is beyond a 64-bit float; give a finite number")
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return value


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """--param k=v pairs: v as JSON when it parses (numbers, true/false, null, lists, maps), else a string.

    A date such as 2026-11-28 is not JSON, so it stays the string "2026-11-28".
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "a").isalnum():
            raise InputError(f"--param {pair!r}: write it as NAME=VALUE, e.g. --param number=3")
        value = refuse_lone_surrogates(_param_value(key, raw), f"--param {key}", InputError)
        out[key] = value
    return out


__all__ = [
    "BATCH_SIZE", "DEFAULT_URI", "LoadReport", "Neo4jConfig", "Neo4jStore", "NamedQuery", "check_loadable",
    "connect", "map_error", "node_rows", "parse_params", "plain", "read_password_file", "rel_rows",
]
