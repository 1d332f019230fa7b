"""The one family of errors policykg raises on purpose.

Every error says what went wrong, where (file, key, row, URI), and how to fix it,
in one line. The library never prints or exits: `policykg.cli` turns these into a
clean message on stderr and the exit code below. Anything else is a real bug and
keeps its traceback.

Exit codes (documented in the README):

====  ==========================  ==================================================
code  class                       meaning
====  ==========================  ==================================================
1     (uncaught)                  a bug: please report it with the traceback
2     (click)                     wrong command-line usage
3     SourceError                 the compilation file cannot be read or parsed
4     DataError                   a YAML/JSON data, rules or profile file is invalid
5     Neo4jUnavailableError       no Neo4j answers at the URI
6     Neo4jAuthError              Neo4j refused the credentials
7     Neo4jDatabaseError          the named database does not exist
8     CypherError                 a Cypher query failed (syntax, parameter, write)
9     OutputError                 the output file cannot be written
10    InputError                  a bad option value (date, parameter, name)
11    RegisterError               an enterprise register (CSV/parquet) is invalid
====  ==========================  ==================================================
"""

from __future__ import annotations

import re

# scheme://userinfo@ -> scheme://***@ ; greedy to the last @ of the token, so a password
# holding '@' or '/' is covered too (over-redacting a URL is harmless, leaking is not).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s'\"<>]*@")
_SECRETS: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a secret (a password) so `redact` removes it from every message.

    Secrets under 4 characters are not remembered: replacing every 'x' in every message
    would garble them, and Neo4j refuses passwords under 8 characters anyway."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    """The one redaction helper: strip URI userinfo and every registered secret from `text`.

    Every error message goes through it (`PolicyKGError.__init__`), and so does
    everything the CLI prints on an error path."""
    text = _USERINFO.sub(r"\1***@", str(text))
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class PolicyKGError(Exception):
    """Base class: a user-facing error with a one-line message and an exit code."""

    exit_code = 1

    def __init__(self, message: str):
        # One line, always: multi-line causes are folded so the CLI prints one line;
        # redacted, always: no password reaches a message.
        super().__init__(redact(" ".join(str(message).split())))

    @property
    def message(self) -> str:
        return str(self)


class SourceError(PolicyKGError):
    """The compilation (.txt/.docx) is missing, unreadable, or not a policy compilation."""

    exit_code = 3


class DataError(PolicyKGError):
    """A data file (rules, aliases, profile, scenario) is invalid: names the file and key."""

    exit_code = 4


class Neo4jUnavailableError(PolicyKGError):
    """No Neo4j answers at the URI (not running, wrong host or port)."""

    exit_code = 5


class Neo4jAuthError(PolicyKGError):
    """Neo4j refused the user name or password."""

    exit_code = 6


class Neo4jDatabaseError(PolicyKGError):
    """The named Neo4j database does not exist."""

    exit_code = 7


class CypherError(PolicyKGError):
    """A Cypher statement failed: syntax, a parameter's type, a write without --write."""

    exit_code = 8


class OutputError(PolicyKGError):
    """An output file cannot be written (missing folder, permissions)."""

    exit_code = 9


class InputError(PolicyKGError):
    """A bad option value: a date, a query parameter, an unknown policy number."""

    exit_code = 10


class RegisterError(PolicyKGError):
    """An enterprise register for batch matching is invalid: names the row and column."""

    exit_code = 11
