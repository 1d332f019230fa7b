"""Where the bundled data is: found through importlib.resources, so a wheel install works.

The one module that knows the package's folders. Everything else asks it for
`data_path("incentives.yaml")`, `QUERY_DIR`, ... rather than walking up from ``__file__``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The installed package's folder (the repository root in a development install).
PACKAGE_DIR = Path(str(resources.files("policykg")))
DATA_DIR = PACKAGE_DIR / "data"
SCENARIO_DIR = DATA_DIR / "scenarios"
CORPUS_DIR = DATA_DIR / "corpus"
QUERY_DIR = PACKAGE_DIR / "queries"
TEMPLATE_DIR = PACKAGE_DIR / "views" / "templates"
ASSET_DIR = PACKAGE_DIR / "views" / "assets"
EXAMPLES_DIR = PACKAGE_DIR / "docs" / "examples"


def data_path(*parts: str) -> Path:
    """A file of the bundled data: ``data_path("incentives.yaml")``."""
    return DATA_DIR.joinpath(*parts)


def display_path(path: str | Path) -> str:
    """`path` relative to the package when it is inside it (``data/incentives.yaml``), else as given."""
    try:
        return Path(path).resolve().relative_to(PACKAGE_DIR.resolve()).as_posix()
    except ValueError:
        return str(path)
