"""`policykg profile new`: the template has every field the rules know and is itself a valid profile."""

from __future__ import annotations

import re
from datetime import date

import pytest

from policykg.engine.profile import Vocabulary, profile_from_text
from policykg.engine.profile_template import new_profile
from policykg.rules.incentives import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def template():
    return new_profile(date(2026, 11, 30))


def _uncomment(text: str, pattern: str) -> str:
    """Turn on the commented lines matching `pattern` (as a user filling the template would)."""
    return "\n".join(re.sub(r"^(\s*)# ", r"\1", line) if re.match(pattern, line) else line
                     for line in text.splitlines()) + "\n"


def test_the_template_as_written_is_a_valid_profile(template, rules):
    prof = profile_from_text(template, Vocabulary.from_rules(rules), "firm.yaml")
    assert prof.name == "某某科技有限公司" and not prof.metrics and not prof.qualifications


def test_every_metric_qualification_and_project_kind_is_offered(template, rules, graph):
    for m in rules.metrics.values():
        if m.scope == "enterprise":
            assert re.search(rf"^  # {re.escape(m.key)}: .*# {re.escape(m.label)}；", template, re.M), m.key
    for q in rules.qualifications.values():
        assert f"{{name: {q.name}" in template and q.label in template
    for k in rules.project_kinds.values():
        assert f"{{kind: {k.key}, " in template
    for _, p in graph.nodes(data=True):
        if "Industry" in p["labels"]:
            assert f"  # - {p['props']['name']}\n" in template
    assert "（必填）" in template and "单位：万元、亿元、元" in template


def test_every_line_turned_on_still_parses(template, rules):
    vocab = Vocabulary.from_rules(rules)
    filled = _uncomment(template, r"^  # (\w+: |- (?!\{kind)[^{]|- \{name|- \{incentive: \"1\.1\")")
    prof = profile_from_text(filled, vocab, "firm.yaml")
    assert len(prof.metrics) == sum(1 for m in rules.metrics.values() if m.scope == "enterprise")
    assert len(prof.qualifications) == len(rules.qualifications)
    assert len(prof.industries) == 12 and len(prof.awards) == 1
    # Each project kind's line parses with the metrics and units it offers.
    for k in rules.project_kinds.values():
        one = _uncomment(template, rf"^  # - \{{kind: {re.escape(k.key)}, ")
        assert [p.kind for p in profile_from_text(one, vocab, "firm.yaml").projects] == [k.key]


def test_cli_profile_new_writes_and_says_so(invoke, tmp_path):
    out = tmp_path / "firm.yaml"
    result = invoke("profile", "new", "-o", str(out))
    assert result.exit_code == 0
    assert f"wrote {out}" in result.stderr and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# 企业画像")
    again = invoke("profile", "new", "-o", str(out))
    assert again.exit_code != 0 and "--force" in again.stderr
    assert invoke("profile", "new", "-o", str(out), "--force").exit_code == 0
    assert invoke("eligible", str(out), "--format", "json").exit_code == 0
