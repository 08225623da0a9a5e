"""Regression tests for issue 13 (hardening): each failed before its fix."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import JSONField, Value
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from prism.api.serializers import MAX_API_BODY_CHARS, MAX_BULK_ARTICLES
from prism.ingest import IngestError, ParsedArticle, ParseResult, parse_text
from prism.ingest.reader import decode_bytes
from prism.models import Article, Briefing, ReaderType
from prism.services.articles import articles_import
from prism.services.share_links import SALT, ShareLinkInvalid, share_link_resolve

pytestmark = pytest.mark.django_db

BODY = (
    "한국은행이 기준금리를 연 3.50%로 동결했다. 물가 상승세가 둔화하고 있지만 "
    "가계부채 증가세와 환율 변동성이 여전히 크다는 판단에서다."
)
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached pages live in the cache."""
    cache.clear()
    yield
    cache.clear()


def _published(make_briefing, **fields) -> Briefing:
    fields.setdefault("published_at", timezone.now())
    return make_briefing(status=Briefing.Status.PUBLISHED, **fields)


# --- 1. reader-type profiles --------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("interests", [1, 2], "객체여야"),
        ("interests", {"부동산": "high"}, "가중치는"),
        ("interests", {"부동산": float("nan")}, "가중치는"),
        ("interests", {"부동산": True}, "가중치는"),
        ("interests", None, "객체여야"),
        ("preferred_sections", 5, "목록이어야"),
        ("preferred_sections", ["증권", 3], "한 줄 글자"),
        ("name", "CEO\r\nBcc: x@example.com", "제어 문자"),
    ],
)
def test_reader_type_profiles_are_validated_in_korean(
    reader_type, field, value, message
):
    setattr(reader_type, field, value)
    with pytest.raises(ValidationError) as raised:
        reader_type.full_clean()
    assert message in " ".join(raised.value.message_dict[field])


def test_a_valid_reader_type_profile_passes(reader_type):
    reader_type.interests = {"AI 반도체": 2, "투자": 1.5}
    reader_type.preferred_sections = ["경제·금융", "증권"]
    reader_type.full_clean()


@pytest.mark.parametrize(
    ("interests", "sections"),
    [([1, 2], ["증권"]), ({"부동산": "high"}, 5), (None, None), ("x", {"a": 1})],
)
def test_bad_stored_profiles_never_break_pages_api_or_generation(
    client, make_briefing, reader_type, interests, sections
):
    _published(make_briefing)
    # Written around validation, as a fixture or the shell would.
    ReaderType.objects.filter(pk=reader_type.pk).update(
        interests=interests or {}, preferred_sections=sections or []
    )
    if interests is None:  # the column is NOT NULL; JSON null is what slipped in
        json_null = Value(None, JSONField())
        ReaderType.objects.filter(pk=reader_type.pk).update(interests=json_null)
    api = APIClient()
    for path in (
        reader_type.get_absolute_url(),
        "/api/reader-types/",
        f"/api/reader-types/{reader_type.slug}/",
    ):
        assert client.get(path).status_code == 200, path
    detail = api.get(f"/api/reader-types/{reader_type.slug}/").json()
    assert isinstance(detail["interests"], dict)
    assert isinstance(detail["preferred_sections"], list)
    call_command("prism_generate", "--reader-type", reader_type.slug, "--sync")


def test_stored_profiles_are_read_as_the_nearest_valid_one(reader_type):
    ReaderType.objects.filter(pk=reader_type.pk).update(
        interests={"금리": "2", "부동산": "high", "": 1, "투자": 1},
        preferred_sections="증권",
    )
    loaded = ReaderType.objects.get(pk=reader_type.pk)
    assert loaded.interests == {"금리": 2.0, "투자": 1.0}
    assert loaded.preferred_sections == ["증권"]


def test_control_characters_in_a_name_never_silence_notifications(
    chief, make_briefing, make_role_user
):
    from prism.services.notifications import notify

    ReaderType.objects.filter(slug="ceo").update(name="CEO\r\n")
    briefing = make_briefing()
    assert notify("submitted", briefing_id=briefing.pk) == 1
    assert "\n" not in mail.outbox[0].subject


# --- 2. deeply nested JSON ----------------------------------------------------


def test_deeply_nested_json_is_a_json_400_in_the_api(cms_client, make_role_user):
    response = cms_client.post("/api/articles/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "중첩" in response.json()["detail"]
    reader = APIClient()
    reader.force_authenticate(make_role_user("subscriber"))
    response = reader.patch("/api/me/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_json_nested_below_the_recursion_limit_is_refused_too(cms_client):
    nested = "[" * 100 + "]" * 100
    response = cms_client.post(
        "/api/articles/", nested, content_type="application/json"
    )
    assert response.status_code == 400
    assert "중첩" in response.json()["detail"]


def test_deeply_nested_json_files_are_one_line_errors(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    with pytest.raises(CommandError, match="중첩"):
        call_command("prism_import", str(deep))
    lines = tmp_path / "deep.jsonl"
    lines.write_text(DEEP + "\n" + json.dumps({"headline": "제목", "body": BODY}))
    result = parse_text(lines.read_text(), fmt="jsonl", name="deep.jsonl")
    assert len(result.articles) == 1
    assert "중첩" in result.rejected[0].reason


# --- 3. extreme dates ---------------------------------------------------------


@pytest.mark.parametrize(
    "published_at",
    ["9999-12-31T23:59:59-12:00", "0001.01.01 00:00:00", "1989-12-31", "2100-01-01"],
)
def test_dates_outside_the_sane_range_are_refused_by_name(
    cms_client, tmp_path, published_at
):
    record = {"headline": "날짜 이상", "body": BODY, "published_at": published_at}
    response = cms_client.post("/api/articles/", [record], format="json")
    assert response.status_code == 400
    assert "허용 범위" in response.json()["errors"][0]["detail"]
    path = tmp_path / "dates.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    call_command("prism_import", str(path))
    assert not Article.objects.exists()


def test_sedaily_dump_with_year_one_is_rejected_not_a_traceback(tmp_path):
    dump = tmp_path / "sedaily.txt"
    dump.write_text(f"-\n금리 동결\n경제·금융 금융정책 0001.01.01 00:00:00{BODY}\n")
    call_command("prism_import", str(dump), "--format", "sedaily")
    assert not Article.objects.exists()


def test_import_service_refuses_implausible_dates_it_is_handed():
    parsed = ParsedArticle(
        headline="날짜",
        body_raw=BODY,
        body=BODY,
        published_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        location="record 7",
    )
    report = articles_import(result=ParseResult(format="json", articles=[parsed]))
    assert report.created == 0
    assert report.rejected[0].location == "record 7"
    assert "허용 범위" in report.rejected[0].reason


def test_the_admin_refuses_what_the_importer_refuses(make_article):
    article = make_article(url="ftp://example.com/a")
    with pytest.raises(ValidationError) as raised:
        article.full_clean()
    assert "http(s)" in raised.value.message_dict["url"][0]
    article.url = "https://example.com/a"
    article.published_at = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as raised:
        article.full_clean()
    assert "허용 범위" in raised.value.message_dict["published_at"][0]


# --- 6. feed channel text -----------------------------------------------------


@pytest.mark.parametrize("name", ["prism:reader_type_rss", "prism:reader_type_atom"])
def test_feed_channel_text_is_escaped(client, reader_type, name):
    ReaderType.objects.filter(pk=reader_type.pk).update(
        name="<script>n()</script>", description="<script>d()</script>"
    )
    response = client.get(reverse(name, kwargs={"slug": reader_type.slug}))
    root = ET.fromstring(response.content)  # noqa: S314  (our own response)
    texts = [element.text or "" for element in root.iter()]
    assert not [text for text in texts if "<script>" in text]
    assert any("&lt;script&gt;" in text for text in texts)


# --- 7. the page cache and the Host header ------------------------------------


@override_settings(ALLOWED_HOSTS=["prism.example.com", "evil.example.com"])
def test_the_page_cache_never_shares_one_hosts_urls_with_another(client, make_briefing):
    briefing = _published(make_briefing)
    path = briefing.get_absolute_url()
    planted = client.get(path, HTTP_HOST="evil.example.com")
    assert b"http://evil.example.com" in planted.content
    honest = client.get(path, HTTP_HOST="prism.example.com")
    assert b"evil.example.com" not in honest.content
    assert b"http://prism.example.com" in honest.content


# --- 8. importer edge cases ---------------------------------------------------


@pytest.fixture
def csv_default_field_limit():
    """The csv module's limit as a fresh process has it (parse_csv raises it)."""
    previous = csv.field_size_limit(128 * 1024)
    yield
    csv.field_size_limit(previous)


def test_a_line_over_the_csv_field_limit_is_detected_not_a_traceback(
    tmp_path, csv_default_field_limit, caplog
):
    path = tmp_path / "long.txt"
    path.write_text("가" * 200_000 + "\n")
    try:
        call_command("prism_import", str(path))
    except CommandError as error:
        assert "예기치 못한" not in str(error)  # the command's last resort
        assert "\n" not in str(error)
    assert not [record for record in caplog.records if record.exc_info]


def test_truncated_utf16_is_a_one_line_error(tmp_path):
    data = codecs.BOM_UTF16_LE + "제목,본문\n".encode("utf-16-le") + b"\x00"
    with pytest.raises(IngestError, match="UTF-16"):
        decode_bytes(data, name="cut.csv")
    path = tmp_path / "cut.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="UTF-16"):
        call_command("prism_import", str(path))


@pytest.mark.parametrize("field", ["headline", "section", "byline", "body"])
def test_nul_characters_are_refused_by_files_and_the_api_alike(
    cms_client, tmp_path, field
):
    record = {"headline": "제목", "body": BODY, "section": "증권", "byline": "김기자"}
    record[field] = record[field] + "\u0000끝"
    path = tmp_path / "nul.jsonl"
    path.write_text(json.dumps(record) + "\n")
    call_command("prism_import", str(path))
    response = cms_client.post("/api/articles/", [record], format="json")
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_line_breaks_in_one_line_fields_are_refused():
    record = {"headline": "제목", "body": BODY, "section": "증권\r\n\u0007"}
    result = parse_text(json.dumps(record) + "\n", fmt="jsonl")
    assert not result.articles
    assert "제어 문자" in result.rejected[0].reason


# --- 9. large API bodies --------------------------------------------------------


def test_large_api_bodies_get_a_json_error(cms_client, settings):
    settings.PRISM = {"API_MAX_REQUEST_BYTES": 1000}
    record = {"headline": "제목", "body": BODY * 20}
    response = cms_client.post("/api/articles/", [record], format="json")
    assert response.status_code == 413
    assert "최대 1,000바이트" in response.json()["detail"]


def test_form_bodies_over_djangos_limit_get_a_json_error(settings, make_role_user):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    reader = APIClient()
    reader.force_authenticate(make_role_user("subscriber"))
    response = reader.patch(
        "/api/me/",
        "email_digest=" + "1" * 200,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")


def test_500_articles_of_the_longest_body_fit_in_one_request(cms_client):
    # Each record is refused by a cheap check (published_at too long), so the test
    # measures the size limits, not 500 imports.
    records = [
        {
            "headline": f"기사 {n}",
            "body": "가" * MAX_API_BODY_CHARS,
            "published_at": "x" * 65,
        }
        for n in range(MAX_BULK_ARTICLES)
    ]
    body = json.dumps(records, ensure_ascii=False).encode()
    assert len(body) > 2.5 * 1024 * 1024  # Django's default limit for forms
    response = cms_client.post("/api/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert len(response.json()["errors"]) == MAX_BULK_ARTICLES


def test_bodies_longer_than_the_api_limit_are_refused_by_name(cms_client):
    record = {"headline": "제목", "body": "가" * (MAX_API_BODY_CHARS + 1)}
    response = cms_client.post("/api/articles/", [record], format="json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"][0]["detail"]


# --- 10. smaller ----------------------------------------------------------------


@pytest.mark.parametrize("form", ["20261201", "2026-W48-2", "2026-12-1"])
def test_briefing_dates_have_one_canonical_form(client, make_briefing, form):
    briefing = _published(make_briefing, edition_date=dt.date(2026, 12, 1))
    assert client.get(briefing.get_absolute_url()).status_code == 200
    slug = briefing.reader_type.slug
    assert client.get(f"/briefings/{form}/{slug}/").status_code == 404


@pytest.mark.parametrize("payload", [[1, 2], "x", {"l": "1", "r": 2}, {"l": [1]}])
def test_signed_share_tokens_with_odd_payloads_are_invalid(payload):
    token = signing.dumps(payload, salt=SALT)
    with pytest.raises(ShareLinkInvalid):
        share_link_resolve(token)


def test_editorial_mail_links_to_the_admin_absolutely(settings, chief, make_briefing):
    from prism.services.notifications import notify

    settings.PRISM = {"SITE_URL": "https://prism.example.com/"}
    briefing = make_briefing()
    notify("submitted", briefing_id=briefing.pk)
    change = reverse("admin:prism_briefing_change", args=[briefing.pk])
    assert f"관리 화면: https://prism.example.com{change}" in mail.outbox[0].body


# --- 5. what is live is the published revision ----------------------------------


@pytest.fixture
def live_briefing(make_briefing, make_article):
    """A published briefing whose first item cites article "A1", with its live
    revision; item 2 lists a related article."""
    from prism.services.revisions import revision_create

    briefing = _published(make_briefing)
    first = briefing.items.get(rank=1)
    Article.objects.filter(pk=first.article_id).update(
        source="서울경제", external_id="A1", url="https://news.example.com/old"
    )
    related = make_article(
        headline="관련 기사 원래 제목", url="https://news.example.com/r"
    )
    briefing.items.get(rank=2).related_articles.add(related)
    revision = revision_create(briefing=briefing, kind="edited")
    Briefing.objects.filter(pk=briefing.pk).update(live_revision=revision)
    return Briefing.objects.get(pk=briefing.pk), first.article_id, related


def _reimport(external_id: str, url: str, headline: str = "다시 들어온 기사") -> None:
    record = {
        "id": external_id, "source": "서울경제", "url": url,
        "headline": headline, "body": BODY,
    }  # fmt: skip
    articles_import(result=parse_text(json.dumps(record) + "\n", fmt="jsonl"))


def test_a_reimported_source_never_changes_a_live_briefing(client, live_briefing):
    from prism.services.live import live_source_changes

    briefing, article_id, related = live_briefing
    _reimport("A1", "https://news.example.com/new")
    assert Article.objects.get(pk=article_id).url == "https://news.example.com/new"
    related.headline = "바뀐 관련 기사 제목"
    related.url = "https://news.example.com/r2"
    related.save()
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "https://news.example.com/old" in page
    assert "https://news.example.com/new" not in page
    assert "관련 기사 원래 제목" in page and "바뀐 관련 기사 제목" not in page
    detail = APIClient().get(f"/api/briefings/{briefing.pk}/").json()
    assert detail["items"][0]["article"]["url"] == "https://news.example.com/old"
    assert (
        detail["items"][1]["related_articles"][0]["headline"] == "관련 기사 원래 제목"
    )
    feed = client.get(reverse("prism:reader_type_rss", kwargs={"slug": "ceo"}))
    assert b"news.example.com/new" not in feed.content
    # Editors are told, in the audit trail and by the service the admin shows.
    changes = live_source_changes(briefing)
    assert any("news.example.com/new" in change for change in changes)
    assert any("바뀐 관련 기사 제목" in change for change in changes)
    events = briefing.audit_events.filter(action="source_changed")
    assert events.count() == 2
    _reimport("A1", "https://news.example.com/new")  # the same change: noted once
    assert briefing.audit_events.filter(action="source_changed").count() == 2


def test_the_admin_warns_that_a_live_source_changed(client, live_briefing, chief):
    briefing, _, _ = live_briefing
    client.force_login(chief)
    url = reverse("admin:prism_briefing_change", args=[briefing.pk])
    assert "prism-source-changes" not in client.get(url).content.decode()
    _reimport("A1", "https://news.example.com/new")
    page = client.get(url).content.decode()
    assert "발행 후 출처 기사가 바뀌었습니다" in page
    assert "news.example.com/new" in page
    history = client.get(reverse("admin:prism_briefing_history", args=[briefing.pk]))
    assert "발행 후 출처 기사 변경" in history.content.decode()


def test_a_correction_publishes_the_new_source_link(live_briefing, chief, client):
    from prism.services.workflow import briefing_correct

    briefing, _, _ = live_briefing
    _reimport("A1", "https://news.example.com/new")
    briefing_correct(
        briefing=briefing,
        user=chief,
        data={},
        base_version=briefing.version,
        correction_note="원문 주소를 바로잡았습니다.",
    )
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "https://news.example.com/new" in page


def test_a_digest_links_the_published_revision(live_briefing, make_role_user):
    from prism.models import Subscriber
    from prism.services.digest import digest_send

    briefing, _, _ = live_briefing
    reader = make_role_user("subscriber")
    Subscriber.objects.filter(user=reader).update(email_digest=True)
    _reimport("A1", "https://news.example.com/new")
    assert digest_send(briefing=briefing) == 1
    html = mail.outbox[-1].alternatives[0][0]
    assert "news.example.com/old" in html and "news.example.com/new" not in html
