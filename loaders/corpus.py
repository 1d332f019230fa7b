"""Many documents at once: files and folders in, one parsed document per file out.

`load_corpus(sources)` reads each file (a folder: every .txt/.docx/.html/.htm/.pdf/.doc in
it, sorted by name), detects its layout (or uses the one forced), and returns the parsed
documents in order; the bundled compilation when no source is given. Merging policies
that appear in two documents into one is the graph's job (`policykg.graph.model`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from policykg.errors import SourceError
from policykg.loaders.compilation import Compilation
from policykg.loaders.source import BUNDLED_SOURCE

#: File types a folder is searched for (a .doc is listed so that it gets its "save as .docx" error).
DOCUMENT_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf", ".doc")


class Sources(tuple):
    """The --source values (files or folders) with the --layout that goes with them."""

    layout: str | None = None

    def __new__(cls, paths: Iterable = (), layout: str | None = None):
        obj = super().__new__(cls, tuple(paths))
        obj.layout = layout
        return obj


def expand_sources(sources) -> list[Path]:
    """Files to read, in order: each file as given, each folder's documents sorted by name."""
    if sources is None or isinstance(sources, (str, Path)):
        sources = [] if sources is None else [sources]
    paths: list[Path] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in DOCUMENT_SUFFIXES)
            if not found:
                raise SourceError(f"{p}: the folder holds no policy document (.txt, .docx, .html, .pdf); "
                                  "pass a folder with documents or the files themselves")
            paths += found
        else:
            paths.append(p)
    seen: set[Path] = set()
    unique = []
    for p in paths:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique or [BUNDLED_SOURCE]


def load_corpus(sources=None, layout: str | None = None) -> list[Compilation]:
    """Parse every document of `sources` (files, folders; default the bundled compilation)."""
    from policykg.loaders.layouts import parse_document
    from policykg.loaders.source import read_source

    layout = layout or getattr(sources, "layout", None)
    docs = []
    for path in expand_sources(sources):
        source = read_source(path)
        doc = parse_document(source, layout)
        try:
            doc.sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            doc.sha256 = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        docs.append(doc)
    return docs
