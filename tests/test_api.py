"""API contract tests with DRF's APIClient."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from prism.models import Article, Briefing, ReaderType

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
BODY = (
    "한국은행 금융통화위원회가 15일 기준금리를 연 3.00%로 동결했다. 물가 상승률이 "
    "둔화하고 있지만 가계부채 증가세와 환율 변동성이 여전히 크다는 판단에서다. "
    "이창용 총재는 기자간담회에서 연내 인하 가능성을 열어 두면서도 부동산 시장 "
    "과열 조짐을 주의 깊게 보겠다고 밝혔다. 시장에서는 하반기 한 차례 인하를 점친다."
)
REWRITTEN = BODY.replace("15일", "지난 15일").replace("밝혔다", "말했다")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; start every test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def _published(make_briefing, **fields) -> Briefing:
    fields.setdefault("published_at", timezone.now())
    return make_briefing(status=Briefing.Status.PUBLISHED, **fields)


# --- reader types ---------------------------------------------------------------


def test_reader_types_list_and_detail(api):
    ReaderType.objects.filter(slug="retiree").update(is_active=False)
    response = api.get("/api/reader-types/")
    assert response.status_code == 200
    slugs = [entry["slug"] for entry in response.json()["results"]]
    assert slugs[:2] == ["ceo", "startup-founder"] and "retiree" not in slugs
    detail = api.get("/api/reader-types/startup-founder/").json()
    assert detail["name"] == "스타트업 창업자"
    assert isinstance(detail["interests"], dict) and detail["interests"]
    assert detail["web_url"] == "http://testserver/reader-types/startup-founder/"
    assert detail["rss_url"].endswith("/reader-types/startup-founder/feed/")
    assert detail["atom_url"].endswith("/reader-types/startup-founder/atom/")
    assert api.get("/api/reader-types/retiree/").status_code == 404


def test_reader_types_are_read_only(api, make_role_user):
    api.force_authenticate(make_role_user("chief_editor"))
    response = api.post("/api/reader-types/", {"slug": "x", "name": "x"})
    assert response.status_code == 405


# --- briefings ------------------------------------------------------------------


def test_anonymous_briefing_list_holds_published_only(api, make_briefing):
    today = timezone.localdate()
    published = _published(make_briefing, edition_date=today)
    make_briefing(edition_date=today - dt.timedelta(days=1))
    make_briefing(
        status=Briefing.Status.UNPUBLISHED, edition_date=today - dt.timedelta(days=2)
    )
    body = api.get("/api/briefings/").json()
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry["id"] == published.pk
    assert entry["status"] == "published"
    assert entry["reader_type"] == {"slug": "ceo", "name": "CEO"}
    assert entry["url"] == f"http://testserver/api/briefings/{published.pk}/"
    assert entry["web_url"] == f"http://testserver{published.get_absolute_url()}"
    # Asking for another state does not reveal anything either.
    assert api.get("/api/briefings/", {"status": "draft"}).json()["count"] == 0


def test_briefing_list_filters_and_pagination(api, make_briefing):
    today = timezone.localdate()
    startup = ReaderType.objects.get(slug="startup-founder")
    for days in range(25):
        _published(make_briefing, edition_date=today - dt.timedelta(days=days))
    _published(make_briefing, reader_type=startup)
    first = api.get("/api/briefings/").json()
    assert first["count"] == 26 and len(first["results"]) == 20
    assert first["next"].endswith("/api/briefings/?page=2")
    assert len(api.get("/api/briefings/", {"page": 2}).json()["results"]) == 6
    sized = api.get("/api/briefings/", {"page_size": 5}).json()
    assert len(sized["results"]) == 5
    by_type = api.get("/api/briefings/", {"reader_type": "startup-founder"}).json()
    assert [entry["reader_type"]["slug"] for entry in by_type["results"]] == [
        "startup-founder"
    ]
    window = api.get(
        "/api/briefings/",
        {
            "edition_date_after": (today - dt.timedelta(days=3)).isoformat(),
            "edition_date_before": (today - dt.timedelta(days=1)).isoformat(),
        },
    ).json()
    assert window["count"] == 3
    bad = api.get("/api/briefings/", {"edition_date_after": "어제"})
    assert bad.status_code == 400
    assert "edition_date" in bad.json()


def test_briefing_detail_has_every_part(api, make_briefing):
    briefing = _published(make_briefing, correction_note="정정 내용")
    item = briefing.items.get(rank=1)
    item.article.url = "https://www.sedaily.com/article/7"
    item.article.save()
    body = api.get(f"/api/briefings/{briefing.pk}/").json()
    assert body["header_line"] == "▲ AI 프리즘* 맞춤형 경제 브리핑"
    assert body["editors_note"].startswith("* 편집자 주")
    assert [section["position"] for section in body["sections"]] == [1, 2, 3]
    assert [entry["rank"] for entry in body["items"]] == [1, 2, 3, 4, 5, 6]
    assert [entry["group"] for entry in body["items"]] == ["interest"] * 3 + [
        "reference"
    ] * 3
    assert body["items"][0]["article"]["url"] == "https://www.sedaily.com/article/7"
    assert body["keywords"] == ["AI 반도체", "금리", "수출", "투자", "배터리"]
    assert body["keyword_line"].endswith("AI PRISM, AI 프리즘")
    assert body["footer"] == "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >"
    assert body["correction_note"] == "정정 내용"
    assert body["text_url"].endswith(f"/api/briefings/{briefing.pk}/?format=text")


def test_briefing_text_export(api, make_briefing):
    briefing = _published(make_briefing)
    response = api.get(f"/api/briefings/{briefing.pk}/", {"format": "text"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.splitlines()[0] == "▲ AI 프리즘* 맞춤형 경제 브리핑"
    assert "[CEO 관심 뉴스]" in text and "[키워드 TOP 5]" in text
    assert text.rstrip().endswith("< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >")


def test_text_format_is_only_for_one_briefing(api, make_briefing):
    _published(make_briefing)
    assert api.get("/api/briefings/", {"format": "text"}).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "subscriber"])
@pytest.mark.parametrize(
    "status", [s for s in Briefing.Status.values if s != Briefing.Status.PUBLISHED]
)
def test_unpublished_briefings_answer_404_without_details(
    api, make_briefing, make_role_user, role, status
):
    briefing = make_briefing(status=status)
    if role != "anonymous":
        api.force_authenticate(make_role_user(role))
    for query in ({}, {"format": "text"}):
        response = api.get(f"/api/briefings/{briefing.pk}/", query)
        assert response.status_code == 404
        assert briefing.headline not in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "chief_editor"])
def test_newsroom_sees_every_state(api, make_briefing, make_role_user, role):
    today = timezone.localdate()
    briefings = [
        make_briefing(status=status, edition_date=today - dt.timedelta(days=offset))
        for offset, status in enumerate(Briefing.Status.values)
    ]
    api.force_authenticate(make_role_user(role))
    body = api.get("/api/briefings/", {"page_size": 50}).json()
    assert body["count"] == len(Briefing.Status.values)
    drafts = api.get("/api/briefings/", {"status": "draft"}).json()
    assert [entry["status"] for entry in drafts["results"]] == ["draft"]
    for briefing in briefings:
        detail = api.get(f"/api/briefings/{briefing.pk}/")
        assert detail.status_code == 200
        assert detail.json()["status"] == briefing.status
        # Only a published briefing has a public page.
        assert (detail.json()["web_url"] is None) == (not briefing.is_public)


def test_briefings_are_read_only(api, make_briefing, make_role_user):
    briefing = make_briefing()
    api.force_authenticate(make_role_user("chief_editor"))
    url = f"/api/briefings/{briefing.pk}/"
    assert api.patch(url, {"status": "published"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    briefing.refresh_from_db()
    assert briefing.status == "draft"


# --- articles -------------------------------------------------------------------


def test_reading_articles_needs_newsroom_staff(api, make_article, make_role_user):
    article = make_article()
    assert api.get("/api/articles/").status_code == 401
    api.force_authenticate(make_role_user("subscriber"))
    assert api.get("/api/articles/").status_code == 403
    assert api.get(f"/api/articles/{article.pk}/").status_code == 403
    api.force_authenticate(make_role_user("editor"))
    body = api.get("/api/articles/").json()
    assert body["count"] == 1 and body["results"][0]["headline"] == article.headline
    detail = api.get(f"/api/articles/{article.pk}/").json()
    assert detail["body"] == article.body


def test_cms_pushes_one_article(cms_client):
    payload = {
        "headline": "한은, 기준금리 연 3.00% 동결",
        "body": f"[서울경제 김기자] {BODY} 김기자 kim@sedaily.com",
        "url": "https://www.sedaily.com/article/100",
        "published_at": "2025-04-15T09:51:26+09:00",
        "section": "경제·금융",
        "source": "서울경제",
    }
    response = cms_client.post("/api/articles/", payload, format="json")
    assert response.status_code == 201, response.json()
    report = response.json()
    assert report["created"] == 1 and report["duplicates"] == 0
    article = Article.objects.get(pk=report["article_ids"][0])
    assert article.headline == payload["headline"]
    assert article.source == "서울경제"
    assert "kim@sedaily.com" not in article.body  # cleaned like the importer
    assert article.body_raw == payload["body"]
    assert article.published_at == dt.datetime.fromisoformat(payload["published_at"])
    # The same article again is recognised, not stored twice.
    again = cms_client.post("/api/articles/", payload, format="json")
    assert again.status_code == 200
    assert again.json()["duplicates"] == 1 and again.json()["created"] == 0
    assert Article.objects.count() == 1


def test_cms_pushes_articles_in_bulk_with_near_duplicates(cms_client):
    payload = [
        {"headline": "기준금리 동결", "body": BODY, "url": "https://a.example/1"},
        {"headline": "금리 동결 결정", "body": REWRITTEN, "url": "https://b.example/2"},
        {
            "headline": "반도체 수출 회복",
            "body": "반도체 수출이 석 달 연속 늘었다. " * 6,
            "published_at": "2025.04.15 08:00:00",
        },
    ]
    response = cms_client.post("/api/articles/", payload, format="json")
    assert response.status_code == 201
    report = response.json()
    assert report["created"] == 3 and report["near_duplicates"] == 1
    copy = Article.objects.get(url="https://b.example/2")
    assert copy.duplicate_of == Article.objects.get(url="https://a.example/1")
    undated_source = Article.objects.get(headline="반도체 수출 회복").source
    assert undated_source == "api:cms-bot"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"body": BODY}, "headline"),
        ({"headline": "제목"}, "body"),
        ({"headline": "제목", "body": BODY, "url": "ftp://x"}, "http(s)"),
        ({"headline": "제목", "body": BODY, "published_at": "지난주"}, "날짜"),
        ({"headline": "제목", "body": "[이데일리 김기자]"}, "body"),
        ({"headline": "제목" * 300, "body": BODY}, "headline"),
        ("그냥 문자열", "dictionary"),
    ],
)
def test_invalid_articles_get_a_clear_400(cms_client, payload, expected):
    response = cms_client.post("/api/articles/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "잘못된 기사가 있어 아무것도 저장하지 않았습니다."
    [error] = body["errors"]
    assert error["index"] == 0
    assert expected in error["detail"]
    assert not Article.objects.exists()


def test_one_bad_article_in_a_bulk_push_saves_nothing(cms_client):
    payload = [
        {"headline": "좋은 기사", "body": BODY},
        {"headline": "", "body": BODY},
    ]
    response = cms_client.post("/api/articles/", payload, format="json")
    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [1]
    assert not Article.objects.exists()


def test_empty_oversized_and_non_json_pushes_are_refused(cms_client):
    assert cms_client.post("/api/articles/", [], format="json").status_code == 400
    too_many = [{"headline": f"기사 {n}", "body": BODY} for n in range(501)]
    response = cms_client.post("/api/articles/", too_many, format="json")
    assert response.status_code == 400
    assert "최대 500개" in response.json()["detail"]
    form = cms_client.post("/api/articles/", {"headline": "x", "body": BODY})
    assert form.status_code == 415


def test_pushing_articles_needs_a_permission(api, make_role_user):
    payload = {"headline": "제목", "body": BODY}
    assert api.post("/api/articles/", payload, format="json").status_code == 401
    for role in ("subscriber", "editor"):
        user = make_role_user(role)
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
        response = api.post("/api/articles/", payload, format="json")
        assert response.status_code == 403
    chief = make_role_user("chief_editor")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=chief)}")
    assert api.post("/api/articles/", payload, format="json").status_code == 201


def test_session_writes_need_the_csrf_token(make_role_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(make_role_user("chief_editor"))
    payload = {"headline": "제목", "body": BODY}
    response = client.post("/api/articles/", payload, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Article.objects.exists()
    client.get("/accounts/profile/")  # sets the CSRF cookie, as a page would
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/articles/", payload, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_bad_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/reader-types/").status_code == 401


# --- me -------------------------------------------------------------------------


def test_me_needs_sign_in(api):
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_reads_and_updates_own_profile(api, make_role_user):
    user = make_role_user("subscriber", username="me@example.com")
    api.force_authenticate(user)
    body = api.get("/api/me/").json()
    assert body == {
        "username": "me@example.com",
        "email": "me@example.com",
        "reader_types": ["ceo"],
        "email_digest": False,
        "created_at": body["created_at"],
    }
    response = api.patch(
        "/api/me/",
        {"reader_types": ["startup-founder", "ceo"], "email_digest": True},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(response.json()["reader_types"]) == ["ceo", "startup-founder"]
    user.subscriber.refresh_from_db()
    assert user.subscriber.email_digest is True
    # Read-only fields cannot be changed through me/.
    api.patch("/api/me/", {"username": "x", "email": "x@x.com"}, format="json")
    user.refresh_from_db()
    assert (user.username, user.email) == ("me@example.com", "me@example.com")


def test_me_refuses_unknown_or_inactive_reader_types(api, make_role_user):
    ReaderType.objects.filter(slug="retiree").update(is_active=False)
    api.force_authenticate(make_role_user("subscriber"))
    for slug in ("nobody", "retiree"):
        response = api.patch("/api/me/", {"reader_types": [slug]}, format="json")
        assert response.status_code == 400
        assert "reader_types" in response.json()


def test_me_creates_a_profile_for_accounts_without_one(api):
    user = get_user_model().objects.create_user("plain", password="x-unused-9")
    api.force_authenticate(user)
    assert api.get("/api/me/").json()["reader_types"] == []


def test_me_with_a_token(api, make_role_user):
    user = make_role_user("subscriber")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    assert api.get("/api/me/").json()["username"] == user.username


def test_there_is_no_way_to_read_another_persons_profile(api, make_role_user):
    other = make_role_user("subscriber")
    api.force_authenticate(make_role_user("subscriber"))
    for url in (f"/api/me/{other.pk}/", f"/api/subscribers/{other.pk}/"):
        assert api.get(url).status_code == 404


# --- throttling, schema, docs ---------------------------------------------------


def test_anonymous_clients_are_throttled(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"prism_anon": "3/minute", "prism_user": "9/minute"},
    }
    codes = [api.get("/api/reader-types/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        "/api/reader-types/",
        "/api/briefings/",
        "/api/briefings/{id}/",
        "/api/articles/",
        "/api/me/",
    } <= paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "/api/schema/" in html or "?script" in html


def test_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "paths:" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        # Python allows offsets PostgreSQL refuses: the time is moved to UTC first.
        ("0727-05-12T08:38:44-18:44", 200),
        ("0001-01-01T00:00:00+05:00", 400),  # before year 1 in UTC
        ("어제", 400),
        ("2025-13-01", 400),
    ],
)
def test_odd_times_in_article_filters_never_fail(api, make_role_user, moment, status):
    api.force_authenticate(make_role_user("editor"))
    response = api.get("/api/articles/", {"published_at_after": moment})
    assert response.status_code == status
    if status == 400:
        assert "published_at" in response.json()


def test_article_time_filter_understands_offsets(api, make_article, make_role_user):
    make_article(published_at=dt.datetime(2025, 4, 15, 0, 30, tzinfo=dt.UTC))
    api.force_authenticate(make_role_user("editor"))
    # 09:00 in Korea is 00:00 UTC: the article (00:30 UTC) is after it.
    after = api.get("/api/articles/", {"published_at_after": "2025-04-15T09:00+09:00"})
    assert after.json()["count"] == 1
    later = api.get("/api/articles/", {"published_at_after": "2025-04-15T10:00+09:00"})
    assert later.json()["count"] == 0
