"""Strict YAML reading and the one text-file reader: every failure a one-line error naming the file."""

from __future__ import annotations

import pytest

from policykg.errors import DataError, RegisterError
from policykg.loaders.yamlio import DatesAsTextLoader, load_yaml, load_yaml_text, read_text_file


@pytest.mark.parametrize("text, what", [
    ("? [a]\n: 1\n", "list"),
    ("? {a: 1}\n: 1\n", "mapping"),
    ("outer:\n  ? [a, b]\n  : 1\n", "list"),
    ("[{? [a] : 1}]\n", "list"),
])
@pytest.mark.parametrize("loader", [None, DatesAsTextLoader])
def test_a_key_that_is_a_list_or_mapping_is_an_error_naming_file_and_line(text, what, loader):
    with pytest.raises(DataError) as err:
        load_yaml_text(text, "data.yaml", *([loader] if loader else []))
    line = text[: text.index("?")].count("\n") + 1
    assert str(err.value).startswith(f"data.yaml: line {line}: a key is a {what}, not a name")


def test_plain_keys_still_read():
    from datetime import date

    assert load_yaml_text("1: a\n1.5: b\n~: c\nx: d\n2024-01-01: e\n", "d.yaml") == {
        1: "a", 1.5: "b", None: "c", "x": "d", date(2024, 1, 1): "e"}
    with pytest.raises(DataError, match="duplicate key 'x'"):
        load_yaml_text("x: 1\nx: 2\n", "d.yaml")


def test_read_text_file_names_the_file_for_every_os_error(tmp_path):
    plain = tmp_path / "some.csv"
    plain.write_text("a\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"some\.csv/x\.yaml: cannot be read \(Not a directory\); give the path "
                                        r"of a readable rules file"):
        read_text_file(plain / "x.yaml", "rules")
    with pytest.raises(DataError, match=r": cannot be read \(Is a directory\)"):
        read_text_file(tmp_path)
    with pytest.raises(DataError, match=r"nope\.yaml: no such file"):
        read_text_file(tmp_path / "nope.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("名称: 甲".encode("gbk"))
    with pytest.raises(DataError, match=r"gbk\.yaml: not UTF-8 text; save it as UTF-8"):
        read_text_file(bad)
    with pytest.raises(RegisterError, match=r"^shown: cannot be read"):
        read_text_file(tmp_path, error=RegisterError, name="shown")
    with pytest.raises(RegisterError, match=r"unknown encoding 'nope'"):
        read_text_file(bad, error=RegisterError, encoding="nope")
    assert read_text_file(bad, encoding="gbk") == "名称: 甲"
    assert read_text_file(plain, read=lambda fh: fh.readline()) == "a\n"
    # issue 21: a device or FIFO is refused as such, before any read (it used to read /dev/null as empty)
    with pytest.raises(DataError, match=r"^/dev/null: is a character device, not a regular file"):
        read_text_file("/dev/null")


def test_load_yaml_refuses_unreadable_paths(tmp_path):
    plain = tmp_path / "f.yaml"
    plain.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml(plain) == {"a": 1}
    with pytest.raises(DataError, match=r"f\.yaml/x\.yaml: cannot be read \(Not a directory\)"):
        load_yaml(plain / "x.yaml")
    with pytest.raises(DataError, match=r"cannot be read \(Is a directory\)"):
        load_yaml(tmp_path)


def test_rules_files_use_the_same_reader(tmp_path):
    from policykg.rules.incentives import _read

    plain = tmp_path / "r.yaml"
    plain.write_text("version: 1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"r\.yaml/incentives\.yaml: cannot be read \(Not a directory\)"):
        _read(plain / "incentives.yaml")
    with pytest.raises(DataError, match=r"cannot be read \(Is a directory\)"):
        _read(tmp_path)
