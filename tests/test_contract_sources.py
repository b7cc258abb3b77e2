"""Contracts files that are not clean UTF-8 CSV (ragged rows, GBK bytes), and several sources in one run."""

import duckdb
import pytest
from conftest import FIXTURES

from pipeline.defs.procurement import ProcurementConfig, contract_sources
from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    classify_contract_rows,
    create_contract_rows,
    default_taxonomy,
    read_contract_rows,
)
from pipeline.lib.procurement.sources import SourcesFileError, add_source, read_sources_file

HEADER = "contract_id,award_date,buyer_name,buyer_region_id,supplier_name,amount,currency,title\n"
GBK_HINT = "; declare the file's encoding (gb18030 reads GBK and most other Chinese files that are not UTF-8)"


@pytest.fixture
def con(geography_db):
    connection = duckdb.connect()
    connection.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    connection.execute("CREATE TABLE regions AS SELECT * FROM geo.regions")
    yield connection
    connection.close()


def test_unreadable_lines_are_quarantined_with_their_line_and_the_good_rows_kept(tmp_path, con):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"".join(
            [
                HEADER.encode(),
                "1,2019-05-01,广州市公安局,,海康威视,100,CNY,人脸识别系统\n".encode(),
                b"2,2019-05-01," + "广州市公安局".encode("gbk") + b",,s,100,CNY,t\n",  # GBK bytes in a UTF-8 file
                b"3,2019-05-01,b,,s,100,CNY,t,extra,extra\n",  # 10 fields
                b"4,2019-05-01,b,440100\n",  # 4 fields
                b'5,2019-05-01,b,440100,s,100,CNY,"a title\nover two lines"\n',
                b"6,2019-05-01,b,440100,s,100,CNY,t\n",
                b'7,2019-05-01,"b"x,440100,s,100,CNY,t\n',  # text after the closing quote
                b"8,2019-05-01,b,440100,s,100,CNY,t\n",
                b'9,2019-05-01,"b,440100,s,100,CNY,t\n',  # a quote never closed
            ]
        )
    )
    build_contracts(con, read_contract_rows(path), default_taxonomy())
    quote = (
        "a quoted field is not closed where it ends (a quote missing, or text after the closing quote); a quote "
        "never closed takes the lines after it with it"
    )
    assert con.execute("SELECT source_file, source_row, quarantine_reason FROM contract_quarantine").fetchall() == [
        ("mixed.csv", 2, "line 3: byte 0xb9 at column 14 is not UTF-8" + GBK_HINT),
        ("mixed.csv", 3, "line 4: 10 fields where the header has 8"),
        ("mixed.csv", 4, "line 5: 4 fields where the header has 8"),
        ("mixed.csv", 7, f"line 9: {quote}"),  # record 5 took two lines
        ("mixed.csv", 9, f"line 11: {quote}"),
    ]
    assert con.execute("SELECT contract_id, source_row, title FROM contracts ORDER BY source_row").fetchall() == [
        ("1", 1, "人脸识别系统"),
        ("5", 5, "a title\nover two lines"),
        ("6", 6, "t"),
        ("8", 8, "t"),
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_gbk_file_reads_when_declared_and_is_named_when_not(tmp_path, con, encoding):
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (
            HEADER + "1,2019-05-01,广州市公安局,,海康威视,100,CNY,人脸识别系统\n"
            "2,2019-05-02,深圳市第一人民医院,,某公司,200,CNY,办公家具\n"
        ).encode(encoding)
        + b"3,2019-05-03,\xff\xffbad,,s,300,CNY,t\n"
    )  # 0xff starts no GBK or GB18030 character
    build_contracts(con, read_contract_rows(path, encoding=encoding), default_taxonomy())
    assert con.execute(
        "SELECT contract_id, buyer_name, buyer_region_id, is_public_security_ai, buyer_sector "
        "FROM contracts ORDER BY contract_id"
    ).fetchall() == [
        ("1", "广州市公安局", "440100", True, "public_security"),
        ("2", "深圳市第一人民医院", "440300", False, "hospital"),
    ]
    assert con.execute("SELECT source_row, quarantine_reason FROM contract_quarantine").fetchall() == [
        (3, f"line 4: byte 0xff at column 14 is not {encoding.upper()}")
    ]

    # Undeclared: every line with Chinese is named (and the contracts held are replaced by none only if allowed).
    build_contracts(con, read_contract_rows(path), default_taxonomy(), allow_empty=True)
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (0,)
    assert con.execute("SELECT source_row, quarantine_reason FROM contract_quarantine").fetchall() == [
        (1, "line 2: byte 0xb9 at column 14 is not UTF-8" + GBK_HINT),
        (2, "line 3: byte 0xc9 at column 14 is not UTF-8" + GBK_HINT),
        (3, "line 4: byte 0xff at column 14 is not UTF-8" + GBK_HINT),
    ]


def test_an_unknown_encoding_and_a_header_in_another_are_named(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEADER)
    with pytest.raises(ContractFileError, match=r"c.csv: encoding 'gbx' is not one Python knows"):
        read_contract_rows(path, encoding="gbx")
    path.write_bytes(HEADER.replace("title", "标题,title").encode("gbk"))
    with pytest.raises(ContractFileError, match=r"c.csv line 1: byte 0xb1 of the header is not UTF-8; declare"):
        read_contract_rows(path)
    assert read_contract_rows(path, encoding="gbk").height == 0


def _two_sources(tmp_path, order: tuple[str, str]):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "ccgp.csv").write_text(
        HEADER
        + "\n".join(
            [
                # The award of tests/fixtures/ocds/compiled-release-1.json, published again under another id.
                "M-063,2015-12-30,SECRETARÍA DE FINANZAS,,COMUNIC@RTE & CONSULTING SA DE C,1311264.00,MXN,arrendamiento",  # noqa: E501
                "M-064,2015-12-31,SECRETARÍA DE FINANZAS,,OTRA SA,100,MXN,otro",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    entries = {
        "csv": '[[source]]\nname = "ccgp"\npath = "csv"\nformat = "normalised"\n',
        "ocds": f'[[source]]\nname = "mexico"\npath = "{FIXTURES / "ocds" / "compiled-release-1.json"}"\n'
        'format = "ocds"\n',
    }
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(entries[name] for name in order))
    return path


@pytest.mark.parametrize("order", [("csv", "ocds"), ("ocds", "csv")])
def test_two_sources_in_one_run_and_the_first_listed_holds_the_original(tmp_path, con, order):
    create_contract_rows(con)
    for source in read_sources_file(_two_sources(tmp_path, order)):
        add_source(con, source)
    classify_contract_rows(con, default_taxonomy())
    rows = con.execute(
        "SELECT source, source_file, contract_id, duplicate_of FROM contracts ORDER BY source, contract_id"
    ).fetchall()
    first = "M-063" if order[0] == "csv" else "OCDS-87SD3T-AD-SF-DRM-063-2015/1"
    assert rows == [
        ("ccgp", "ccgp.csv", "M-063", None if order[0] == "csv" else first),
        ("ccgp", "ccgp.csv", "M-064", None),
        (
            "mexico",
            "compiled-release-1.json",
            "OCDS-87SD3T-AD-SF-DRM-063-2015/1",
            None if order[0] == "ocds" else first,
        ),
    ]
    assert con.execute("SELECT count(*) FROM contract_quarantine").fetchone() == (0,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[source]]\nname = "a"\npath = "c.csv"\nformat = "normalised"\nfromat = "x"\n',
            "source 'a': unknown key 'fromat'; the keys are name, path, format, mapping, encoding, release_schema",
        ),
        (
            '[[source]]\nname = "a"\npath = "c.csv"\nformat = "csv"\n',
            "source 'a' has format 'csv'; set format to one of normalised, cn_notices, ocds",
        ),
        (
            '[[source]]\nname = "a"\npath = "c.csv"\n',
            "source 'a' has no format; set format to one of normalised, cn_notices, ocds",
        ),
        ('[[source]]\nname = "a"\nformat = "normalised"\n', "source 'a' has no path; add path = "),
        (
            '[[source]]\nname = "a"\npath = "missing.csv"\nformat = "normalised"\n',
            "source 'a': path .*missing.csv does not exist; fix path",
        ),
        ('[[source]]\npath = "c.csv"\nformat = "normalised"\n', "source 1 has no name"),
        (
            '[[source]]\nname = "a"\npath = "c.csv"\nformat = "ocds"\nencoding = "gbk"\n',
            "source 'a': encoding does not apply to format 'ocds'; remove it",
        ),
        (
            '[[source]]\nname = "a"\npath = "c.csv"\nformat = "normalised"\n[[source]]\nname = "a"\npath = "c.csv"\n'
            'format = "normalised"\n',
            "source name 'a' is used twice",
        ),
        ('[source]\nname = "a"\n', r"no \[\[source\]\] tables"),
        ("sources = 1\n", "unknown key 'sources'"),
    ],
)
def test_a_mistake_in_the_sources_file_names_the_file_the_source_and_the_fix(tmp_path, text, message):
    (tmp_path / "c.csv").write_text(HEADER)
    path = tmp_path / "sources.toml"
    path.write_text(text)
    with pytest.raises(SourcesFileError, match=f"sources.toml: {message}"):
        read_sources_file(path)


def test_a_setting_in_the_sources_file_and_the_run_config_is_refused(tmp_path):
    path = _two_sources(tmp_path, ("csv", "ocds"))
    with pytest.raises(ContractFileError, match="the run config sets format too; remove format from the run config"):
        contract_sources(str(path), ProcurementConfig(format="normalised"))
    names = [source.name for source in contract_sources(str(path), ProcurementConfig())]
    assert names == ["ccgp", "mexico"]
    single = contract_sources(str(tmp_path / "csv" / "ccgp.csv"), ProcurementConfig(encoding="gbk"))
    assert [(s.name, s.format, s.encoding) for s in single] == [(None, "normalised", "gbk")]
