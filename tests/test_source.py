"""Reading compilations: UTF-8, GBK/GB18030, .docx, and every bad file a user may hand us."""

import docx
import pytest

from policykg.errors import SourceError
from policykg.loaders import load_compilation, read_source
from policykg.loaders.source import BUNDLED_SOURCE


def test_bundled_source_reads_as_utf8():
    src = read_source()
    assert src.encoding == "utf-8"
    assert src.text.startswith("杭州市数字经济政策精华汇编2024.docx")


def test_gbk_text_is_detected_and_gives_the_same_compilation(tmp_path, compilation):
    path = tmp_path / "gbk.txt"
    path.write_bytes(compilation.source.text.encode("gbk"))
    comp = load_compilation(path)
    assert comp.source.encoding == "gb18030"
    assert [(v.seq, v.policy_number, v.title) for v in comp.provisions] == [
        (v.seq, v.policy_number, v.title) for v in compilation.provisions
    ]


def test_utf8_with_bom_is_read(tmp_path, compilation):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + compilation.source.text.encode("utf-8"))
    assert len(load_compilation(path).provisions) == 48


def _docx_from_text(text: str, path):
    """A real .docx whose paragraphs break after each sentence, as a Word file would."""
    document = docx.Document()
    for line in text.split("\n"):
        for sentence in line.replace("。", "。\n").split("\n"):
            if sentence:
                document.add_paragraph(sentence)
    document.save(str(path))


def test_docx_gives_the_same_provisions_with_offsets_into_its_own_text(tmp_path, compilation):
    path = tmp_path / "digest.docx"
    _docx_from_text(compilation.source.text, path)
    comp = load_compilation(path)
    assert comp.source.encoding == "docx"
    assert len(comp.provisions) == 48 and len(comp.policies) == 13
    assert [(v.policy_number, v.title, [a.name for a in v.agencies]) for v in comp.provisions] == [
        (v.policy_number, v.title, [a.name for a in v.agencies]) for v in compilation.provisions
    ]
    for v in comp.provisions:
        assert comp.source.text[v.span.start : v.span.end] == v.text
        for amount in v.amounts:
            assert comp.source.text[amount.start : amount.end] == amount.quote


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\n ", "the file is empty"),
        ("binary.bin", bytes(range(256)) * 8, "looks binary"),
        ("latin.txt", "caf\xe9 na\xefve \xfc".encode("latin-1") * 50, "not decodable"),
        ("truncated.docx", None, "not a readable .docx"),
    ],
)
def test_bad_files_raise_one_clear_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        good = tmp_path / "good.docx"
        _docx_from_text(BUNDLED_SOURCE.read_text(encoding="utf-8")[:3000], good)
        content = good.read_bytes()[:1500]
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(SourceError, match="is a folder"):
        read_source(tmp_path)
