"""The documents a rules file is for: their provisions' repaired text, and who they are.

A rules file names its documents by title, 文号 and sha256 (docs/rules.md), so it can be
checked against the very text it was written from. `read_document` reads one policy text
with the project's loaders and returns what drafting and checking need.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from policykg.errors import SourceError
from policykg.loaders.compilation import parse_compilation
from policykg.loaders.source import read_source


@dataclass
class ProvisionText:
    """What drafting and checking read: a provision's place, label and repaired text."""

    seq: int
    label: str  # 第三条, P3 ...
    text: str
    #: Other policies the loader found named in the text (loaders.facts.Reference).
    references: list = field(default_factory=list)


@dataclass
class DocumentText:
    """One policy document as the rules see it."""

    path: str
    title: str | None
    number: str | None  # 文号, e.g. 穗南开发〔2017〕3号; None when the text states none
    sha256: str  # of the file's bytes
    provisions: list[ProvisionText] = field(default_factory=list)
    policies: int = 1  # policies the document holds (a compilation lists several)

    def header(self) -> dict:
        """The entry a rules file's ``documents:`` list gives for this document."""
        return {"title": self.title, "number": self.number, "sha256": self.sha256, "path": Path(self.path).name}


def file_sha256(path: str | Path) -> str:
    p = Path(path)
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({exc.strerror or exc}); pass an existing policy text") from None


def load_policy_document(path: str | Path):
    """Parse one policy document with the project's loaders (any layout they read)."""
    try:  # the loaders for standalone policies, notices and web pages (issue 10)
        from policykg.loaders.layouts import load_document
    except ImportError:
        return parse_compilation(read_source(path))
    return load_document(path)


def read_document(path: str | Path) -> DocumentText:
    """Read one policy text into its provisions, with title, 文号 and sha256."""
    comp = load_policy_document(path)
    provisions = [ProvisionText(p.seq, f"P{p.seq}", p.text_repaired, list(p.references)) for p in comp.provisions]
    return DocumentText(str(path), comp.title, None, file_sha256(path), provisions, len(comp.policies))
