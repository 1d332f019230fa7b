"""The documents a rules file is for: their provisions' repaired text, and who they are.

A rules file names its documents by title, 文号 and sha256 (docs/rules.md), so it can be
checked against the very text it was written from. The loaders return the whole document
(text, hierarchy, metadata, sha256, labels); `DocumentText.of(document)` is what drafting and
checking need of it, and `read_document(path)` loads one and takes that view.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykg.errors import DataError, SourceError
from policykg.loaders.layouts import load_document


@dataclass
class ProvisionText:
    """What drafting and checking read: a provision's place, label and repaired text.

    Shape (positional fields first, so ``ProvisionText(seq, label, text[, references])`` keeps working):

    * ``seq``: its place in the document (1, 2, … in reading order), the `provision:` of a rules file;
    * ``label``: how people name it (第三条; P3 in a compilation or a measures document);
    * ``text``: its repaired text — one provision is the leaf a reader counts (a 第N条 article, a 1. item under
      一、, a (一) measure), never a whole chapter;
    * ``references``: other policies the loader found named in it (loaders.facts.Reference);
    * ``number``: its number as a reader writes it, the path included (第十条, 二、（一）3.); None in a compilation;
    * ``section``: the headings it stands under, from the top (一、加大企业培育力度 › （一）培育龙头企业), or None;
    * ``title``: the provision's own title as the document writes it (第三条【落户奖】 → 落户奖), or None.
    """

    seq: int
    label: str  # 第三条, P3 ...
    text: str
    #: Other policies the loader found named in the text (loaders.facts.Reference).
    references: list = field(default_factory=list)
    number: str | None = None
    section: str | None = None
    title: str | None = None


@dataclass
class DocumentText:
    """One policy document as the rules see it."""

    path: str
    title: str | None
    number: str | None  # 文号, e.g. 穗南开发〔2017〕3号; None when the text states none
    sha256: str  # of the file's bytes
    provisions: list[ProvisionText] = field(default_factory=list)
    policies: int = 1  # policies the document holds (a compilation lists several)

    @classmethod
    def of(cls, comp) -> "DocumentText":
        """The rules' view of a document the loaders read (`policykg.loaders` `Compilation`): nothing is read
        again; its sha256, labels and hierarchy are the loader's."""
        provisions = [ProvisionText(p.seq, p.label or f"P{p.seq}", p.text_repaired, list(p.references),
                                    p.number_as_written, _heading_path(comp, p.section), p.title)
                      for p in comp.provisions]
        # 文号: stated by the document (its loader reads it), else none
        return cls(comp.source.path, comp.title, getattr(comp, "document_number", None), comp.sha256, provisions,
                   len(comp.policies))

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
    """Parse one policy document with the project's loaders (any layout they read): the whole document."""
    return load_document(path)


def read_document(path: str | Path) -> DocumentText:
    """Read one policy text into its provisions, with title, 文号 and sha256 (`DocumentText.of` a loaded one)."""
    return DocumentText.of(load_policy_document(path))


def _heading_path(comp, number) -> str | None:
    titles = {sec.number: sec for sec in getattr(comp, "sections", [])}
    parts = []
    while number in titles:
        parts.append(f"{titles[number].written}{titles[number].title or ''}")
        number = titles[number].parent
    return " › ".join(reversed(parts)) or None


def match_documents(header: list[dict], docs: list[DocumentText], where: str, *,
                    others_allowed: bool = False) -> list[DocumentText]:
    """The given documents in the header's order; errors name the document the rules expect.

    `others_allowed`: `docs` is a whole corpus, of which the rules are for some documents."""
    by_sha = {d.sha256: d for d in docs}
    ordered = []
    for i, h in enumerate(header):
        d = by_sha.get(str(h.get("sha256")))
        if d is None:
            named = " ".join(filter(None, [h.get("title"), h.get("number") and f"({h['number']})"]))
            given = ", ".join(f"{Path(x.path).name} (sha256 {x.sha256[:12]}…)" for x in docs) or "none"
            raise DataError(
                f"{where}: documents[{i}]: the rules are for {named or 'a document'} with sha256 "
                f"{str(h.get('sha256'))[:12]}… ({h.get('path') or 'no file name given'}); given: {given}; "
                "pass that document with --source (a changed text needs its rules re-checked: redraft or update sha256)"
            )
        ordered.append(d)
    for d in docs:
        if d not in ordered and not others_allowed:
            raise DataError(f"{where}: {d.path} is not one of the documents the rules name (sha256 {d.sha256[:12]}…); "
                            "add it to documents: or leave it out of --source")
    return ordered


def attach(inc: dict, docs: list[DocumentText], where: str) -> tuple[int, ProvisionText]:
    """The (document index, provision) whose repaired text holds the incentive's quote; else DataError."""
    quote = inc.get("quote")
    iid = inc.get("id")
    if not isinstance(quote, str) or not quote:
        raise DataError(f"{where}: incentive {iid}: no quote; give the verbatim sentence the award is stated in")
    pool = range(len(docs))
    if inc.get("document") is not None:
        k = inc["document"]
        if not isinstance(k, int) or not 1 <= k <= len(docs):
            raise DataError(f"{where}: incentive {iid}: document {k!r} is not 1..{len(docs)} (the documents: list)")
        pool = [k - 1]
    hits = [(k, p) for k in pool for p in docs[k].provisions if quote in p.text]
    if not hits:
        raise DataError(f"{where}: incentive {iid}: its quote is found in no provision: {quote[:40]!r}…; "
                        "copy the sentence verbatim from the document (as repaired)")
    if len(hits) > 1:
        places = ", ".join(f"{Path(docs[k].path).name} {p.label}" for k, p in hits)
        raise DataError(f"{where}: incentive {iid}: its quote is found in {len(hits)} provisions ({places}); "
                        "quote more of the sentence so it names one")
    return hits[0]


def documents_beside(header: list[dict], rules_path: Path, sources, where: str) -> list[DocumentText]:
    """The documents a rules file names: the given `sources`, else the files beside it (`path`), by sha256."""
    if sources:
        docs = [read_document(s) for s in sources]
    else:
        docs = []
        for i, h in enumerate(header):
            name = h.get("path")
            if not name:
                raise DataError(f"{where}: documents[{i}]: no path, and no --source given; "
                                "pass the document with --source or give its file name as path:")
            p = (rules_path.parent / str(name))
            if not p.exists():
                raise DataError(f"{where}: documents[{i}]: {p} not found beside the rules file; "
                                "pass the document with --source")
            docs.append(read_document(p))
    return match_documents(header, docs, where)


def limit_provision(lim: dict, doc: "DocumentText", iid: Any) -> tuple[ProvisionText | None, str | None]:
    """The provision of `doc` a limit's ``provision:`` names (another article sets the cap) and, when it
    cannot be used, why: no such provision, or the limit's quote is not in its text."""
    n = lim.get("provision")
    prov = next((p for p in doc.provisions if p.seq == n), None) if isinstance(n, int) else None
    if prov is None:
        return None, (f"incentive {iid}: limits' provision {n!r} is not a provision of {doc.path} "
                      f"(1–{len(doc.provisions)}): give the number of the article whose text holds the limit's quote")
    if not isinstance(lim.get("quote"), str) or lim["quote"] not in prov.text:
        return None, f"incentive {iid}: the limit's quote is not in {prov.label}'s text: {lim.get('quote')!r}"
    return prov, None
