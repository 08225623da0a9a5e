"""Fuzzing the two doors articles come in by, the REST API and ``prism_import``, with
nested, huge, binary, out-of-range and control-character input: every answer is a
4xx in JSON (API) or one line (importer); never a 500, never a traceback."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from prism.ingest import FORMATS, IngestError, parse_text
from prism.ingest.reader import decode_bytes

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(__import__("os").environ.get("PRISM_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028"])
control_text = st.lists(
    st.one_of(CONTROL, st.sampled_from(list('가나다 abc\r\n\t"\\{}[]'))), max_size=40
).map("".join)
out_of_range_dates = st.sampled_from(
    [
        "9999-12-31T23:59:59-12:00",
        "0001.01.01 00:00:00",
        "0001-01-01T00:00:00+14:00",
        "1899-12-31",
        "2999-01-01 00:00",
        "9999.12.31 23:59:59",
        "+275760-09-13",
        "2026-02-30",
        "2026-01-01T25:00",
        "Sat, 31 Dec 9999 23:59:59 -1200",
    ]
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(10**400),
)
scalars = st.one_of(
    st.none(), st.booleans(), numbers, st.text(max_size=30), control_text
)
nested = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
field_value = st.one_of(scalars, nested, out_of_range_dates)
article_record = st.fixed_dictionaries(
    {},
    optional={
        name: field_value
        for name in (
            "headline", "body", "published_at", "url", "source", "section",
            "subsection", "byline", "external_id", "language", "id", "title",
        )
    },
)  # fmt: skip
# Depths around the interpreter's recursion limit, where json.loads gives up.
DEPTHS = [33, 500, 990, 1000, 1001, 5000, 50_000]
deep = st.sampled_from(DEPTHS).map(lambda n: "[" * n + "]" * n) | st.sampled_from(
    DEPTHS
).map(lambda n: '{"a":' * n + "1" + "}" * n)
huge = st.integers(min_value=20_000, max_value=200_000).map(lambda n: "가" * n)


def _json_body(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


api_bodies = st.one_of(
    st.lists(article_record, max_size=4).map(_json_body),
    article_record.map(_json_body),
    nested.map(_json_body),
    deep.map(str.encode),
    st.binary(max_size=300),
    huge.map(lambda body: _json_body({"headline": "긴 기사", "body": body})),
    control_text.map(str.encode),
    st.just(b'{"headline": NaN, "body": Infinity}'),
    st.just('{"body": "\ud800"}'.encode("utf-8", "surrogatepass")),
)


@pytest.fixture
def errors_logged(caplog):
    """Log records at ERROR level: Django logs every 500 as one."""
    caplog.set_level(logging.ERROR)
    return caplog


def _assert_client_error(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), response[
            "Content-Type"
        ]
        assert "detail" in response.json() or response.json()


# Each kind of input at least once, whatever hypothesis draws.
PUSH_EXAMPLES = [
    b"[" * 1000 + b"]" * 1000,
    *(
        _json_body([{"headline": "제목", "body": "본문 " * 10, "published_at": date}])
        for date in ("9999-12-31T23:59:59-12:00", "0001.01.01 00:00:00")
    ),
    _json_body([{"headline": "제\u0000목", "body": "본문입니다. " * 10}]),
    _json_body({"headline": "긴 기사", "body": "가" * 200_000}),
    b"\xff\xfe\x00\x01binary",
]


@FUZZ
@given(body=api_bodies)
@example(body=PUSH_EXAMPLES[0])
@example(body=PUSH_EXAMPLES[1])
@example(body=PUSH_EXAMPLES[2])
@example(body=PUSH_EXAMPLES[3])
@example(body=PUSH_EXAMPLES[4])
@example(body=PUSH_EXAMPLES[5])
def test_article_pushes_never_fail_with_a_500(cms_client, errors_logged, body):
    cache.clear()  # the throttle counts in the cache
    response = cms_client.post("/api/articles/", body, content_type="application/json")
    _assert_client_error(response)
    assert not [r for r in errors_logged.records if r.levelno >= logging.ERROR]


@FUZZ
@given(
    body=st.one_of(
        st.fixed_dictionaries(
            {}, optional={"reader_types": field_value, "email_digest": field_value}
        ).map(_json_body),
        deep.map(str.encode),
        st.binary(max_size=200),
    )
)
@example(body=b"[" * 1000 + b"]" * 1000)
def test_profile_updates_never_fail_with_a_500(errors_logged, make_role_user, body):
    cache.clear()
    client = APIClient()
    client.force_authenticate(make_role_user("subscriber"))
    response = client.patch("/api/me/", body, content_type="application/json")
    _assert_client_error(response)
    assert not errors_logged.records


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["reader_type", "edition_date_after", "edition_date_before", "status",
             "page", "format", "published_after", "source"]
        ),
        st.one_of(out_of_range_dates, control_text, st.text(max_size=20)),
        max_size=4,
    )
)  # fmt: skip
def test_list_filters_never_fail_with_a_500(cms_client, errors_logged, params):
    cache.clear()
    for path in ("/api/briefings/", "/api/articles/"):
        response = cms_client.get(path, params)
        assert response.status_code < 500, (path, params)
    assert not errors_logged.records


importer_texts = st.one_of(
    st.lists(article_record, max_size=4).map(
        lambda records: json.dumps(records, ensure_ascii=False)
    ),
    st.lists(article_record, max_size=4).map(
        lambda records: "\n".join(json.dumps(r) for r in records)
    ),
    nested.map(json.dumps),
    deep,
    huge,
    control_text,
    st.text(max_size=300),
    st.lists(st.tuples(control_text, out_of_range_dates, control_text), max_size=3).map(
        lambda rows: "".join(
            f"-\n{title}\n경제·금융 금융 {date}{body}\n" for title, date, body in rows
        )
    ),
    st.lists(st.tuples(control_text, field_value), max_size=3).map(
        lambda rows: (
            "headline,body,published_at\n"
            + "\n".join(f'"{h}","본문 {b}",{b}' for h, b in rows)
        )
    ),
)


@FUZZ
@given(text=importer_texts, fmt=st.sampled_from(["auto", *FORMATS]))
@example(text="[" * 1000 + "]" * 1000, fmt="auto")
@example(text="가" * 200_000, fmt="auto")
def test_the_parsers_only_ever_raise_their_own_error(text, fmt):
    try:
        parse_text(text, fmt=fmt, name="fuzz")
    except IngestError as error:
        assert "\n" not in str(error).strip()


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), importer_texts.map(str.encode)))
def test_decoding_only_ever_raises_the_importers_error(data):
    for prefix in (b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"):
        try:
            decode_bytes(prefix + data, name="fuzz")
        except IngestError:
            pass


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=400),
        importer_texts.map(lambda text: text.encode("utf-8", "surrogatepass")),
        importer_texts.map(lambda text: text.encode("utf-16", "surrogatepass")[:-1]),
    )
)
def test_prism_import_ends_in_one_line_never_a_traceback(tmp_path, errors_logged, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("prism_import", str(path), stdout=stdout, stderr=stderr)
    except CommandError as error:
        assert "\n" not in str(error).strip()
    assert "Traceback" not in stdout.getvalue() + stderr.getvalue()
    # The command's last resort logs unexpected errors with their traceback.
    assert not errors_logged.records
