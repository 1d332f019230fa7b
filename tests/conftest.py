"""Shared fixtures: the bundled compilation, its graph, and (for @neo4j tests) a real Neo4j."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from policykg.graph import build_graph
from policykg.loaders import load_compilation
from policykg.loaders.source import BUNDLED_SOURCE


@pytest.fixture(scope="session")
def compilation():
    return load_compilation(BUNDLED_SOURCE)


@pytest.fixture(scope="session")
def graph(compilation):
    return build_graph(compilation)


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def invoke(runner):
    """Run the CLI in-process: invoke('provisions', '--format', 'json') -> click Result."""
    from policykg.cli import cli

    def _invoke(*args, **kwargs):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return _invoke
