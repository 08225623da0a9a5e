"""Reading inputs: format detection, encodings, size limits, files and URLs."""

from __future__ import annotations

import pytest

from prism.ingest import IngestError, detect_format, parse_path, parse_text


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("sedaily_small.txt", "sedaily"),
        ("edaily_small.txt", "edaily"),
        ("leads_small.txt", "leads"),
        ("articles.jsonl", "jsonl"),
        ("articles.json", "json"),
        ("articles.csv", "csv"),
        ("feed_rss.xml", "rss"),
        ("feed_atom.xml", "rss"),
    ],
)
def test_detect_format_of_every_fixture(ingest_fixtures, fixture, expected):
    text = (ingest_fixtures / fixture).read_text(encoding="utf-8")
    # Detection goes by content; the name is no help here.
    assert detect_format(text, name="input") == expected


def test_single_line_json_object_is_json_not_jsonl():
    text = (
        '{"articles": [{"headline": "제목", '
        '"body": "충분히 긴 본문입니다. 둘째 문장."}]}'
    )
    assert detect_format(text) == "json"


def test_csv_detected_by_extension_without_known_header():
    assert detect_format("a,b\n1,2\n", name="export.csv") == "csv"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<html><body>기사</body></html>", "RSS"),
        ("짧은 줄\n또 짧은 줄\n", "--format"),
        ("   \n\n", "비어 있습니다"),
    ],
)
def test_undetectable_input_is_refused(text, words):
    with pytest.raises(IngestError, match=words):
        detect_format(text, name="x")


def test_forced_format_overrides_detection(ingest_fixtures):
    text = (ingest_fixtures / "leads_small.txt").read_text(encoding="utf-8")
    with pytest.raises(IngestError, match="JSON"):
        parse_text(text, fmt="json", name="leads_small.txt")


def test_unknown_format_name_is_refused():
    with pytest.raises(IngestError, match="알 수 없는 형식"):
        parse_text("본문", fmt="docx")


def test_empty_file_is_refused(ingest_fixtures):
    with pytest.raises(IngestError) as caught:
        parse_path(str(ingest_fixtures / "empty.txt"))
    assert str(caught.value) == f"{ingest_fixtures / 'empty.txt'}: 파일이 비어 있습니다"


def test_cp949_file_is_decoded(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "leads_cp949.txt"))
    assert result.format == "leads"
    assert result.articles[0].headline == (
        "원자재 가격 하락으로 국내 제조업체의 원가 부담 줄어들어"
    )


def test_utf8_with_bom_and_utf16_are_decoded(tmp_path, ingest_fixtures):
    text = (ingest_fixtures / "leads_small.txt").read_text(encoding="utf-8")
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"leads-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert len(parse_path(str(path)).articles) == 3


def test_undecodable_bytes_are_refused_with_their_line(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("첫 줄은 정상이다.\n".encode() + b"\xff\xfe\xfa\xfb broken\n")
    with pytest.raises(IngestError) as caught:
        parse_path(str(path))
    assert str(caught.value).startswith(f"{path}: line 2: 문자 인코딩")


def test_binary_file_is_refused(ingest_fixtures):
    with pytest.raises(IngestError, match="바이너리"):
        parse_path(str(ingest_fixtures / "binary.dat"))


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(IngestError, match="파일이 없습니다"):
        parse_path(str(tmp_path / "nope.jsonl"))
    with pytest.raises(IngestError, match="디렉터리"):
        parse_path(str(tmp_path))


def test_file_above_the_size_limit_is_refused(ingest_fixtures):
    path = ingest_fixtures / "sedaily_small.txt"
    size = path.stat().st_size
    assert len(parse_path(str(path), max_bytes=size).articles) == 3
    with pytest.raises(IngestError, match="너무 큽니다") as caught:
        parse_path(str(path), max_bytes=size - 1)
    assert str(caught.value).startswith(str(path))


def test_url_is_fetched_and_parsed(ingest_server):
    result = parse_path(f"{ingest_server}/articles.jsonl")
    assert result.format == "jsonl"
    assert [a.external_id for a in result.articles] == ["A-1001", "A-1002"]


def test_url_declared_charset_and_euc_kr_feed(ingest_server):
    result = parse_path(f"{ingest_server}/feed_euckr.xml")
    assert result.articles[0].headline == "카드 승인액 5% 증가"


def test_url_above_the_size_limit_is_refused(ingest_server, ingest_fixtures):
    size = (ingest_fixtures / "articles.jsonl").stat().st_size
    # Refused from the Content-Length header, and without one while reading.
    for prefix in ("", "nolength/"):
        with pytest.raises(IngestError, match="너무 큽니다"):
            parse_path(f"{ingest_server}/{prefix}articles.jsonl", max_bytes=size - 1)
    result = parse_path(f"{ingest_server}/nolength/articles.jsonl", max_bytes=size)
    assert len(result.articles) == 2


def test_url_not_found_is_refused(ingest_server):
    url = f"{ingest_server}/missing.json"
    with pytest.raises(IngestError) as caught:
        parse_path(url)
    assert str(caught.value) == f"{url}: HTTP 404 File not found"


def test_unreachable_url_is_refused():
    with pytest.raises(IngestError, match="연결할 수 없습니다"):
        parse_path("http://127.0.0.1:9/articles.json")
