"""Loaders: turn a compilation (.txt or .docx) into parsed, provenance-carrying facts.

`load_compilation(path)` is the entry point; `BUNDLED_SOURCE` is the shipped corpus.
"""

from policykg.loaders.compilation import Compilation, load_compilation, parse_compilation
from policykg.loaders.source import BUNDLED_SOURCE, SourceText, read_source

__all__ = [
    "BUNDLED_SOURCE",
    "Compilation",
    "SourceText",
    "load_compilation",
    "parse_compilation",
    "read_source",
]
