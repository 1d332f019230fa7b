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


# --- other formats: web pages, PDFs, GBK policies, Word files we cannot read ----------------------

POLICY = "某某区促进产业发展扶持办法\n第一条 对新落户企业给予50万元奖励。\n第二条 本办法自2024年1月1日起施行，有效期3年。\n"

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某区促进产业发展扶持办法｜某某区人民政府</title>
<script>var x = "第九条 不是正文";</script></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/zw">政务公开</a></div>
<h2>某某区促进产业发展扶持办法</h2>
<p class="info"><span>来源：区发改局</span><span>发布日期：2024-01-05</span></p>
<table><tr><td>文号</td><td>某府办〔2024〕3号</td></tr><tr><td>失效时间：</td><td>2026-12-31</td></tr></table>
<div class="content"><p>　　为促进产业发展，结合本区实际，制定本办法，请各单位认真贯彻落实。</p>
<p>　　<strong>第一条</strong>&nbsp;对新落户企业给予<font>50万元</font>奖励，对年营业收入达到1亿元的企业再给予奖励。</p>
<p>　　<strong>第二条</strong>&nbsp;本办法自2024年1月1日起施行。</p></div>
<div class="footer">版权所有 某某区人民政府</div></body></html>"""


def test_saved_web_page_body_and_metadata(tmp_path):
    from policykg.loaders.layouts import load_document

    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    src = read_source(path)
    assert src.text.splitlines()[0] == "某某区促进产业发展扶持办法"
    assert "第一条 对新落户企业给予50万元奖励" in src.text
    assert "首页" not in src.text and "不是正文" not in src.text and "版权所有" not in src.text
    assert src.metadata["来源"] == "区发改局" and src.metadata["发布日期"] == "2024-01-05"
    assert src.metadata["文号"] == "某府办〔2024〕3号" and src.metadata["失效时间"] == "2026-12-31"
    doc = load_document(path)
    (p,) = doc.policies
    assert p.document_number == "某府办〔2024〕3号"
    # The text gives the start, the page's 失效时间 the end.
    assert (str(p.effective_from), str(p.effective_until), p.until_basis) == ("2024-01-01", "2026-12-31",
                                                                               "page_metadata")
    assert [v.number_as_written for v in doc.provisions] == ["第一条", "第二条"]


def test_5000_nested_spans_are_read_without_a_recursion_limit(tmp_path):
    """Issue 21: a saved page nesting 5,000 <span>s around the text was a RecursionError."""
    from policykg.loaders.layouts import load_document

    deep = PAGE.replace("<strong>第一条</strong>", "<span>" * 5000 + "<strong>第一条</strong>" + "</span>" * 5000)
    path = tmp_path / "deep.html"
    path.write_text(deep, encoding="utf-8")
    src = read_source(path)
    assert "第一条 对新落户企业给予50万元奖励" in src.text
    assert [v.number_as_written for v in load_document(path).provisions] == ["第一条", "第二条"]


def test_web_page_without_a_policy_body(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text("<html><body><div><a>首页</a><a>政务公开</a></div><p>欢迎</p></body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="no policy body"):
        read_source(path)


def _pdf(path, lines):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 18
    c.save()


def test_pdf_with_a_text_layer_rejoins_wrapped_lines(tmp_path):
    from policykg.loaders.layouts import load_document

    path = tmp_path / "policy.pdf"
    _pdf(path, ["某某区促进产业发展扶持办法", "第一条 对新落户企业给予50万元奖励，对年营业收入达到", "1亿元的企业再给予奖励。",
                "第二条 本办法自2024年1月1日起施行，有效期3年。"])
    src = read_source(path)
    assert src.encoding == "pdf"
    assert "第一条 对新落户企业给予50万元奖励，对年营业收入达到1亿元的企业再给予奖励。\n" in src.text
    doc = load_document(path)
    assert [v.article for v in doc.provisions] == [1, 2]
    assert str(doc.policies[0].effective_until) == "2026-12-31"


def test_pdf_without_text_says_so(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 300, 300, fill=1)  # an image-only page: no text layer
    c.save()
    with pytest.raises(SourceError, match="no text layer"):
        read_source(path)


def _flate_pdf(path, lines):
    """A text PDF whose page content is one FlateDecode stream (no ASCII85), to damage or inflate."""
    from reportlab import rl_config

    old, rl_config.useA85 = rl_config.useA85, 0
    try:
        _pdf(path, lines)
    finally:
        rl_config.useA85 = old
    return path


POLICY_LINES = ["某某区促进产业发展扶持办法", "第一条 对新落户企业给予50万元奖励，对年营业收入达到1亿元的企业再给予奖励。",
                "第二条 本办法自2024年1月1日起施行，有效期3年。"]


def test_a_damaged_pdf_is_told_apart_from_one_without_text(tmp_path, invoke):
    """Issue 21: a PDF whose content does not decode was reported as "no text layer (a scanned image?)"."""
    import re

    raw = bytearray(_flate_pdf(tmp_path / "ok.pdf", POLICY_LINES).read_bytes())
    assert "第一条" in read_source(tmp_path / "ok.pdf").text
    m = list(re.finditer(rb"/FlateDecode \]? ?/Length (\d+)\s*>>\s*stream\r?\n", raw))[-1]
    raw[m.end() + 2: m.end() + int(m.group(1)) - 4] = b"A" * (int(m.group(1)) - 6)
    (tmp_path / "damaged.pdf").write_bytes(bytes(raw))
    result = invoke("build", "--source", str(tmp_path / "damaged.pdf"))
    assert result.exit_code == 3 and "the PDF is damaged (a compressed stream does not decode" in result.stderr
    assert "no text layer" not in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_pdf_decoding_is_bounded_in_size_and_time(tmp_path, monkeypatch):
    """Issue 21: a small PDF with a huge compressed stream ran on without limit."""
    import zlib

    data = zlib.compress(b"0" * 30_000_000, 9)
    head = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(data)).encode() + b"/Filter/FlateDecode>>stream\n")
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(head + data + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    assert bomb.stat().st_size < 100_000
    monkeypatch.setenv("POLICYKG_MAX_PDF_BYTES", "5000000")
    with pytest.raises(SourceError, match="decode to more than 5000000 bytes.*POLICYKG_MAX_PDF_BYTES"):
        read_source(bomb)
    monkeypatch.setenv("POLICYKG_MAX_PDF_SECONDS", "0.001")
    with pytest.raises(SourceError, match="took longer than 0.001 s.*POLICYKG_MAX_PDF_SECONDS"):
        read_source(_flate_pdf(tmp_path / "ok.pdf", POLICY_LINES))


def test_gbk_standalone_policy(tmp_path):
    from policykg.loaders.layouts import load_document

    path = tmp_path / "gbk.txt"
    path.write_bytes(POLICY.encode("gbk"))
    doc = load_document(path)
    assert doc.source.encoding == "gb18030" and len(doc.provisions) == 2


def test_binary_doc_says_save_as_docx(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(SourceError, match="save it as .docx"):
        read_source(path)


def test_encrypted_docx_is_a_clean_error(tmp_path):
    # What Word writes for a password-protected .docx: an OLE container holding an EncryptedPackage stream.
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(SourceError, match="password-protected"):
        read_source(path)


def test_docx_standalone_policy(tmp_path):
    from policykg.loaders.layouts import load_document

    path = tmp_path / "policy.docx"
    document = docx.Document()
    for line in POLICY.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    doc = load_document(path)
    assert doc.layout == "articles" and [v.article for v in doc.provisions] == [1, 2]
