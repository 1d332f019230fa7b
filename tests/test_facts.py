"""Amounts and references keep their provenance: source offsets, the quote as written, the sentence."""


def _amounts(compilation, seq):
    return compilation.provisions[seq - 1].amounts


def test_every_amount_quotes_the_source_and_its_sentence(compilation):
    text = compilation.source.text
    for v in compilation.provisions:
        for a in v.amounts:
            assert text[a.start : a.end] == a.quote
            assert a.repaired in a.sentence
            assert v.span.start <= a.sentence_start <= a.start < a.end <= a.sentence_end <= v.span.end


def test_money_percent_count_and_units(compilation):
    p1 = [(a.value, a.unit) for a in _amounts(compilation, 1)]
    assert p1[:7] == [(5, "亿元"), (10, "亿元"), (20, "亿元"), (50, "亿元"), (100, "亿元"), (200, "亿元"), (500, "亿元")]
    assert (1000, "万元") in p1 and (1, "%") in p1
    damaged = next(a for a in _amounts(compilation, 1) if a.quote == "IooO万元")
    assert damaged.value == 1000 and damaged.value_wan == 1000 and damaged.kind == "money"
    five_yi = _amounts(compilation, 1)[0]
    assert five_yi.value_wan == 50000
    p4 = _amounts(compilation, 4)
    assert (2.2, "%") in [(a.value, a.unit) for a in p4]
    assert (30, "个", "count") in [(a.value, a.unit, a.kind) for a in p4]
    assert (3, "年", "duration") in [(a.value, a.unit, a.kind) for a in p4]
    p40 = _amounts(compilation, 40)
    assert p40[-1].quote == "I(M)万元" and p40[-1].value_wan == 100


def test_calendar_years_are_not_amounts(compilation):
    all_amounts = [a for v in compilation.provisions for a in v.amounts]
    assert not any(a.unit == "年" and a.value >= 1900 for a in all_amounts)


def test_ranks_are_read_from_damaged_top10(compilation):
    ranks = [a for a in _amounts(compilation, 31) if a.kind == "rank"]
    assert [a.quote for a in ranks] == ["TOPlo", "TOPlo", "TOPlO", "TOPIO"]
    assert {a.value for a in ranks} == {10}
