"""Each OCR repair the corpus README lists, and the offset map back to the damaged source."""

import pytest

from policykg.loaders.repair import repair


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        ("最高IooO万元", "最高1000万元"),
        ("最高IOoo万元", "最高1000万元"),
        ("费用100O万元", "费用1000万元"),
        ("达IoOo万元", "达1000万元"),
        ("达到100o万元", "达到1000万元"),
        ("投入IO(X)万元", "投入1000万元"),
        ("投资额I(X)O万元", "投资额1000万元"),
        ("不超过I(M)万元", "不超过100万元"),
        ("排行榜TOPlo的", "排行榜TOP10的"),
        ("TOPlO企业", "TOP10企业"),
        ("排名TOPIO时", "排名TOP10时"),
        ("计划(20212025年)的通知", "计划(2021—2025年)的通知"),
        ("通知(杭政函(2021)94号)", "通知(杭政函〔2021〕94号)"),
    ],
)
def test_each_damage_is_repaired_and_maps_back(damaged, repaired):
    rt = repair(damaged)
    assert rt.text == repaired
    assert len(rt.repairs) == 1
    r = rt.repairs[0]
    assert damaged[r.start : r.end] == r.original
    # The whole repaired text maps back onto the whole damaged text.
    assert rt.to_source(0, len(rt.text)) == (0, len(damaged))


@pytest.mark.parametrize(
    "text",
    ["给予50万元奖励", "APP(游戏类除外),给予一次性最高50万元", "5G、VR/AR/XR", "TOP10企业", "1.帮助企业"],
)
def test_clean_text_is_left_alone(text):
    rt = repair(text)
    assert rt.text == text and rt.repairs == []


def test_bundled_corpus_repairs(compilation):
    originals = sorted(r.original for r in compilation.repaired.repairs)
    assert originals == sorted([
        "IooO", "IoOO", "IoOO", "IOoo", "100O", "IO(X)", "IoOo", "100o", "I(X)O", "100o", "IO(X)", "I(M)",
        "lo", "lo", "lO", "IO", "20212025", "(2021)", "(2022)",
    ])
    assert "O万元" not in compilation.repaired.text and "o万元" not in compilation.repaired.text


def test_normalise_makes_typographic_spaces_spaces_one_for_one():
    from policykg.loaders.repair import normalise

    written = "第\u00a01\u2003条\u2002給予\u202f５萬元"
    norm = normalise(written)
    assert norm == "第 1 条 给予 5万元" and len(norm) == len(written)
