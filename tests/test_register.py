"""Register reading: headers, cell types, unique ids, unreadable files (engine/register.py)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from policykg.engine.match import Matcher, match_register, match_table
from policykg.engine.register import RegisterReader, profile_documents
from policykg.errors import RegisterError

DAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def matcher():
    return Matcher()


def _ids(path) -> list[str]:
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={"enterprise_id": pa.string()}))
    return sorted(set(table.column("enterprise_id").to_pylist()))


# --- headers with spaces: ids stay text ------------------------------------------------------------

def test_a_header_with_spaces_keeps_leading_zero_ids_as_text(matcher, tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id , name ,industries, revenue[万元] ,revenue_prev[万元]\n"
                   "0012,甲公司,软件和信息服务业,60000,40000\n"
                   "007,乙公司,软件和信息服务业,60000,40000\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    summary = match_register(src, out, DAY, matcher=matcher)
    assert summary.enterprises == 2 and summary.rows > 0
    assert _ids(out) == ["0012", "007"]
    reader = RegisterReader(src, matcher.engine.vocabulary)
    assert [c.header for c in reader.layout.columns] == ["id", "name", "industries", "revenue[万元]",
                                                         "revenue_prev[万元]"]
    batch = next(reader.batches())[0]
    assert batch.schema.names == ["id", "name", "industries", "revenue[万元]", "revenue_prev[万元]"]
    assert batch.column(0).type == pa.string()
    # the per-profile path reads the same names
    assert [eid for eid, _ in profile_documents(src, matcher.engine.vocabulary)] == ["0012", "007"]


def test_a_header_with_a_bom_and_a_quoted_name(matcher, tmp_path):
    src = tmp_path / "r.csv"
    src.write_bytes(b"\xef\xbb\xbf id ,\"name\",\"#note, with comma\"\n0012,\xe7\x94\xb2,x\n")
    out = tmp_path / "m.csv"
    assert match_register(src, out, DAY, matcher=matcher).enterprises == 1
    assert [eid for eid, _ in profile_documents(src, matcher.engine.vocabulary)] == ["0012"]


# --- duplicate ids ----------------------------------------------------------------------------------

def test_a_repeated_id_is_an_error_naming_both_rows(matcher, tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id,name\nE1,甲\nE2,乙\nE3,丙\n E2 ,丁\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    with pytest.raises(RegisterError, match=r"^r\.csv: row 4 \(line 5\), id E2, column 'id': the same id as row 2 "
                                            r"\(line 3\); every enterprise needs its own id"):
        match_register(src, out, DAY, matcher=matcher)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_a_repeated_id_across_chunks_is_found(matcher, tmp_path):
    n = 2500
    ids = [f"E{i:05d}" for i in range(n)]
    ids[2345] = "E00017"
    table = pa.table({"id": ids, "name": [f"企业{i}" for i in range(n)]})
    src = tmp_path / "r.parquet"
    pq.write_table(table, src, row_group_size=1000)
    with pytest.raises(RegisterError, match=r"^r\.parquet: row 2346, id E00017, column 'id': the same id as row 18;"):
        match_register(src, tmp_path / "m.parquet", DAY, matcher=matcher, chunk_rows=1000)
    with pytest.raises(RegisterError, match=r"row 2346, id E00017, column 'id': the same id as row 18;"):
        match_table(table, DAY, matcher=matcher)
    ids[2345] = "E99999"  # distinct again: the check raises no false alarm (an error here fails the test)
    match_table(pa.table({"id": ids, "name": table.column("name")}), DAY, matcher=matcher)



def _thue_morse(bits: int) -> tuple[str, str]:
    """Two different texts of 2**bits letters whose polynomial hashes mod 2**64 are equal (bits >= 11)."""
    s = "a"
    for _ in range(bits):
        s += s.translate(str.maketrans("ab", "ba"))
    return s, s.translate(str.maketrans("ab", "ba"))


def test_ids_whose_hashes_collide_are_not_a_repeat(matcher, tmp_path):
    """UniqueIds keeps hashes, not the ids: two different ids of one hash are checked on their text."""
    from policykg.engine.register import UniqueIds, id_hashes

    one, other = _thue_morse(11)
    assert one != other and id_hashes(pa.array([one]))[0] == id_hashes(pa.array([other]))[0]  # they do collide
    names = ["甲", "乙", "丙", "丁"]
    src = tmp_path / "r.parquet"
    pq.write_table(pa.table({"id": ["E1", one, "E3", other], "name": names}), src, row_group_size=2)
    summary = match_register(src, tmp_path / "m.parquet", DAY, matcher=matcher, chunk_rows=2)  # one per chunk
    assert summary.enterprises == 4
    seen = UniqueIds()

    class Part:
        def __init__(self, ids, offset):
            self.ids, self.offset = pa.array(ids), offset

    seen.add(Part(["E1", one], 0))
    assert one in seen and "E1" in seen and other not in seen and "E3" not in seen
    pq.write_table(pa.table({"id": ["E1", one, "E3", one], "name": names}), src, row_group_size=2)
    with pytest.raises(RegisterError, match=r"row 4, id a"):  # and a true repeat of it is one
        match_register(src, tmp_path / "m.parquet", DAY, matcher=matcher, chunk_rows=2)

def test_project_rows_are_taken_by_their_enterprise_exactly_as_is_in_would(matcher):
    """ProjectStream asks which projects rows name an enterprise of the chunk by 64-bit hashes checked on the
    text (`_Membership`): the same answer as `pc.is_in`, for ids colliding with a chunk id, nulls, empty
    texts, and a chunk whose own ids share a hash (then it is `pc.is_in` itself)."""
    import pyarrow.compute as pc

    from policykg.engine.register import _Membership

    one, other = _thue_morse(11)
    cases = [
        (["E1", one, "E3"], ["E1", other, None, "", "E3", "E3", one, "E4", "e1"]),
        (["E1", one, other], [other, one, "E1", None, "E2"]),  # one and other share a hash in the chunk
        (["E1"], []),
        ([], ["E1", None]),
    ]
    for ids, values in cases:
        ids, values = pa.array(ids, pa.string()), pa.array(values, pa.string())
        want = pc.fill_null(pc.is_in(values, value_set=ids), False).to_numpy(zero_copy_only=False).tolist()
        assert _Membership(ids).of(values).tolist() == want, (ids, values)
    assert not _Membership(pa.array(["E1", one, other])).exact


# --- cells of another type in a parquet register ------------------------------------------------------

@pytest.mark.parametrize("column, values, message", [
    ("industries", [["软件和信息服务业"], None], r"column 'industries': expected text, got list<"),
    ("revenue[万元]", [["1"], None], r"column 'revenue\[万元\]': expected text, got list<"),
    ("is_sme", [{"a": 1}, None], r"column 'is_sme': expected text, got struct<"),
    ("id", [["E1"], ["E2"]], r"column 'id': expected text, got list<"),
])
def test_parquet_columns_of_another_type_are_errors(matcher, tmp_path, column, values, message):
    cols = {"id": ["E1", "E2"], "name": ["甲", "乙"]}
    cols[column] = values
    src = tmp_path / "r.parquet"
    pq.write_table(pa.table(cols), src)
    with pytest.raises(RegisterError, match=message):
        match_register(src, tmp_path / "m.csv", DAY, matcher=matcher)


# --- files that cannot be read ------------------------------------------------------------------------

def test_unreadable_register_paths_are_register_errors(matcher, tmp_path):
    plain = tmp_path / "some.csv"
    plain.write_text("id,name\nE1,甲\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="no such file"):
        RegisterReader(plain / "x.csv", matcher.engine.vocabulary)
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(RegisterError, match=r"dir\.csv: is a folder"):
        RegisterReader(folder, matcher.engine.vocabulary)
    with pytest.raises(RegisterError, match=r"unknown encoding 'nope'"):
        RegisterReader(plain, matcher.engine.vocabulary, encoding="nope")


def test_a_register_without_read_permission_is_a_register_error(matcher, tmp_path):
    import os

    src = tmp_path / "r.csv"
    src.write_text("id,name\nE1,甲\n", encoding="utf-8")
    src.chmod(0)
    try:
        if os.access(src, os.R_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(RegisterError, match=r"r\.csv: cannot be read \(Permission denied\)"):
            RegisterReader(src, matcher.engine.vocabulary)
    finally:
        src.chmod(0o644)


# --- -o the register itself ---------------------------------------------------------------------------

def test_writing_the_matches_over_the_register_is_refused(invoke, tmp_path):
    src = tmp_path / "ok.csv"
    text = "id,name,industries,revenue[万元],revenue_prev[万元]\nE1,甲公司,软件和信息服务业,60000,40000\n"
    src.write_text(text, encoding="utf-8")
    for target in (src, tmp_path / "." / "ok.csv"):
        result = invoke("match", str(src), "--as-of", "2025-06-30", "-o", str(target))
        assert result.exit_code == 10, result.output
        assert f"-o {target}: that is the register {src} itself" in result.stderr
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    result = invoke("match", str(src), "--as-of", "2025-06-30", "-o", str(link))
    assert result.exit_code == 10 and "that is the register" in result.stderr
    hard = tmp_path / "hard.csv"
    import os

    os.link(src, hard)
    result = invoke("match", str(src), "--as-of", "2025-06-30", "-o", str(hard))
    assert result.exit_code == 10 and "that is the register" in result.stderr
    assert src.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.csv", "link.csv", "ok.csv"]
