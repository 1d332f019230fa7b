"""Many documents at once: files and folders in, one parsed document per file out.

Each document comes back whole (`Compilation`: text, hierarchy, metadata, sha256 of its bytes, every
provision's label), and flows one way from here: loaders → graph (`build_graph`) → rules
(`DocumentText.of`) → engine, never read twice.

`load_corpus(sources)` reads each file (a folder: every .txt/.docx/.html/.htm/.pdf/.doc in
it, sorted by name), detects its layout (or uses the one forced), and returns the parsed
documents in order; the bundled compilation when no source is given. Merging policies
that appear in two documents into one is the graph's job (`policykg.graph.model`).
"""

from __future__ import annotations

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
    return [parse_document(read_source(path), layout) for path in expand_sources(sources)]


#: A folder's list of supersessions the documents themselves do not state.
SUPERSEDES_FILE = "supersedes.yaml"


def read_supersessions(sources) -> list[tuple[str, str, str]]:
    """(new, old, where) from each --source folder's `supersedes.yaml`, read strictly.

    The file says what the documents do not (a notice published elsewhere ended the old policy)::

        supersedes:
          - policy: 某区促进商贸业发展扶持办法        # the new policy: its title or 文号
            supersedes: 某府办〔2020〕9号             # the old one: its title or 文号
    """
    from policykg.errors import DataError
    from policykg.loaders.yamlio import check_keys, load_yaml

    if sources is None or isinstance(sources, (str, Path)):
        sources = [] if sources is None else [sources]
    out = []
    for src in sources:
        path = Path(src) / SUPERSEDES_FILE
        if not (Path(src).is_dir() and path.is_file()):
            continue
        doc = check_keys(load_yaml(path), {"supersedes"}, str(path), required={"supersedes"})
        if not isinstance(doc["supersedes"], list):
            raise DataError(f"{path}: supersedes: expected a list of {{policy, supersedes}}")
        for i, entry in enumerate(doc["supersedes"]):
            where = f"{path}: supersedes[{i}]"
            check_keys(entry, {"policy", "supersedes", "note"}, where, required={"policy", "supersedes"})
            for key in ("policy", "supersedes"):
                if not isinstance(entry[key], str) or not entry[key].strip():
                    raise DataError(f"{where}: {key}: give the policy's title or 文号 as text")
            out.append((entry["policy"].strip(), entry["supersedes"].strip(), where))
    return out
