"""Hostile text on every surface: imported, generated, edited, published, escaped.

Articles whose headlines and bodies carry ``<script>``, ``<img onerror>`` and
``javascript:`` payloads (with Korean text around them) go in through the importer,
become a generated draft, are edited (lead, section, summary, keywords), approved,
published and corrected through the workflow services. Every page, feed, e-mail and
API response that shows them is parsed (``html.parser``, ``xml.etree``, ``json``)
and must hold them as text: no injected element, event handler or script URL.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from prism.ingest import parse_path
from prism.models import Article, Briefing, ReaderType, Subscriber
from prism.services import workflow
from prism.services.articles import articles_import
from prism.services.demo import shift_to_edition
from prism.services.digest import digest_send
from prism.services.generation import generation_run_create, generation_run_execute
from prism.services.share_links import share_link_create

SAMPLE = Path(__file__).resolve().parent.parent / "prism" / "sample_data"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class MarkupAudit(HTMLParser):
    """Parses a page the way a browser tokenizes it and lists what could run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value.lower().startswith(SCRIPT_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.problems.append("<img src=x> from an article")
        if tag == "script":
            self._script = []

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if "alert(" in "".join(self._script):
                self.problems.append("<script> with the payload")
            self._script = None

    def handle_data(self, data: str) -> None:
        (self._script if self._script is not None else self.text).append(data)


def audit_html(markup: str) -> MarkupAudit:
    audit = MarkupAudit()
    audit.feed(markup)
    audit.close()
    return audit


def hostile_corpus(path: Path) -> None:
    """The sample corpus with payloads in every headline and body."""
    payloads = [SCRIPT, IMG, f"[원문]({JS_URL})"]
    with path.open("w", encoding="utf-8") as out:
        for number, line in enumerate((SAMPLE / "articles.jsonl").open()):
            record = json.loads(line)
            payload = payloads[number % 3]
            record["headline"] = f"{record['headline']} {payload} 속보"
            first, _, rest = record["body"].partition("다. ")
            # Plain text keeps the tags verbatim; an HTML body keeps the encoded one.
            record["body"] = (
                f"{first}다. 공시 문구 {SCRIPT}와 링크 {JS_URL}도 함께 게재됐다. {rest}"
                if number % 2
                else f"<p>{first}다. 공시 문구 &lt;img src=x onerror=alert(1)&gt;"
                f"도 게재됐다.</p><p>{rest}</p>"
            )
            if number % 4 == 0:  # some with a link to the original, some without
                # Breaks out of an unescaped href="…" into an event handler.
                record["url"] = (
                    f'https://news.example.com/{number}?q="onmouseover="alert(1)'
                )
            else:
                record.pop("url", None)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.fixture
def published(tmp_path, make_role_user, settings):
    """A published CEO briefing built from hostile articles and hostile edits."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    corpus = tmp_path / "hostile.jsonl"
    hostile_corpus(corpus)
    newest = timezone.localdate() - dt.timedelta(days=3)
    result = parse_path(str(corpus), fmt="jsonl", source=f"출처 {SCRIPT}")
    assert not result.rejected
    articles_import(result=shift_to_edition(result, newest))
    # The command path too: a javascript: URL is refused, the rest imported.
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps(
            {"headline": f"링크 기사 {IMG}", "body": "본문이다.", "url": JS_URL},
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps(
            {
                "headline": f"반도체 수출 {SCRIPT} 급증",
                "body": f"반도체 수출이 늘었다. {IMG} 시장은 반겼다.",
                "url": "https://news.example.com/a?x=<script>",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    call_command("prism_import", str(extra), stdout=io.StringIO())
    assert not Article.objects.filter(url__startswith="javascript").exists()
    assert Article.objects.filter(headline__contains=SCRIPT).count() > 20

    ceo = ReaderType.objects.get(slug="ceo")
    run = generation_run_create(
        edition_date=newest + dt.timedelta(days=1), reader_types=[ceo]
    )
    assert generation_run_execute(run).status == "succeeded"
    briefing = Briefing.objects.get(generation_run=run)
    assert briefing.items.exclude(article__url="").exists()  # linked headlines too
    editor, chief = make_role_user("editor"), make_role_user("chief_editor")
    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data={
            "headline": f"오늘의 {SCRIPT} 브리핑 {IMG}",
            "lead": f"편집자가 쓴 리드 {SCRIPT}\n\n둘째 문단 {IMG}",
            "keywords": [f"키워드{SCRIPT}", JS_URL, "금리", "수출", "환율"],
            "sections": [{"position": 1, "heading": f"주제 {IMG}", "body": JS_URL}],
            "items": [{"rank": 1, "summary": f"요약을 고쳤다 {SCRIPT}. {IMG}."}],
        },
        base_version=briefing.version,
        comment=f"수정 메모 {SCRIPT}",
    )
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    workflow.briefing_approve(briefing=briefing, user=chief, comment=IMG)
    workflow.briefing_publish(briefing=briefing, user=chief)
    workflow.briefing_correct(
        briefing=briefing,
        user=chief,
        data={"editors_note": f"편집자 주 {SCRIPT}"},
        base_version=briefing.version,
        correction_note=f"정정 {IMG} {JS_URL}",
    )
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    return briefing, editor, chief


def _fetch(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_hostile_text_is_inert_on_every_surface(client, published, make_role_user):
    briefing, editor, chief = published
    problems: dict[str, list[str]] = {}
    shown: dict[str, bool] = {}

    def check_html(name: str, markup: str) -> None:
        audit = audit_html(markup)
        problems[name] = audit.problems
        text = "".join(audit.text)
        # The payloads are there, as text: the check looked at the right thing.
        shown[name] = SCRIPT in text or IMG in text

    def check_text(name: str, response) -> None:
        assert response["Content-Type"].startswith("text/plain"), name
        assert response["X-Content-Type-Options"] == "nosniff"
        shown[name] = SCRIPT in response.content.decode()
        problems[name] = []

    detail = briefing.get_absolute_url()
    slug = briefing.reader_type.slug
    # --- the public site, anonymous
    for name, url in [
        ("briefing page", detail),
        ("home", reverse("prism:home")),
        ("archive", reverse("prism:briefing_archive")),
        ("reader type page", reverse("prism:reader_type", args=[slug])),
    ]:
        response = _fetch(client, url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        check_html(name, response.content.decode())

    # --- feeds: well-formed XML without injected elements; HTML payloads inert
    for name in ("reader_type_rss", "reader_type_atom"):
        feed = _fetch(client, reverse(f"prism:{name}", args=[slug])).content
        tree = ET.fromstring(feed)  # noqa: S314  (our own output)
        tags = {element.tag.rsplit("}", 1)[-1] for element in tree.iter()}
        assert not tags & {"script", "img", "iframe"}, (name, tags)
        html_parts = [
            element.text or ""
            for element in tree.iter()
            if element.tag.rsplit("}", 1)[-1] in {"description", "content", "summary"}
        ]
        check_html(name, "".join(html_parts))
        # Titles are HTML-escaped before XML-escaping, as Django's default does,
        # because many feed readers render titles as HTML.
        titles = "".join(e.text or "" for e in tree.iter() if e.tag.endswith("title"))
        check_html(f"{name} titles", titles)
    sitemap = _fetch(client, reverse("prism:sitemap")).content
    sitemap = ET.fromstring(sitemap)  # noqa: S314  (our own output)
    locations = [e.text for e in sitemap.iter() if e.tag.endswith("loc")]
    assert locations and all(loc.startswith("http") for loc in locations)

    # --- the API: JSON data (never sniffed as HTML), plain text, browsable HTML
    api = reverse("prism:api:briefing-detail", args=[briefing.pk])
    response = _fetch(client, api, HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.content)
    assert SCRIPT in json.dumps(data, ensure_ascii=False)  # data stays data
    shown["API JSON"], problems["API JSON"] = True, []
    check_text("API text", _fetch(client, api + "?format=text"))
    check_html(
        "API browsable", _fetch(client, api, HTTP_ACCEPT="text/html").content.decode()
    )

    # --- a subscriber's profile and the digest e-mail
    reader = make_role_user("subscriber")
    Subscriber.objects.filter(user=reader).update(email_digest=True)
    client.force_login(reader)
    check_html("profile", _fetch(client, reverse("prism:profile")).content.decode())
    mail.outbox.clear()
    assert digest_send(briefing=briefing) == 1
    message = mail.outbox[0]
    assert SCRIPT in message.body and SCRIPT in message.subject  # text/plain
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    check_html("digest e-mail (HTML)", html)
    links = [value for tag in ("href", "src") for value in _attribute_values(html, tag)]
    assert links and all(link.startswith("http") for link in links), links

    # --- the newsroom: admin pages for the chief editor
    client.force_login(chief)
    link, token = share_link_create(briefing=briefing, user=chief)
    admin = {
        "admin change form": reverse("admin:prism_briefing_change", args=[briefing.pk]),
        "admin changelist": reverse("admin:prism_briefing_changelist"),
        "admin preview": reverse("admin:prism_briefing_preview", args=[briefing.pk]),
        "admin diff": reverse("admin:prism_briefing_diff", args=[briefing.pk])
        + "?a=original&b=current",
        "admin history": reverse("admin:prism_briefing_history", args=[briefing.pk]),
        "admin article": reverse(
            "admin:prism_article_change",
            args=[briefing.items.get(rank=1).article_id],
        ),
        "admin articles": reverse("admin:prism_article_changelist") + "?q=script",
        "admin audit log": reverse("admin:prism_auditevent_changelist"),
        "admin revision": reverse(
            "admin:prism_briefingrevision_change",
            args=[briefing.revisions.order_by("number").last().pk],
        ),
    }
    for name, url in admin.items():
        check_html(name, _fetch(client, url).content.decode())
    client.logout()
    shared = reverse("admin:prism_briefing_shared", args=[token])
    check_html("shared preview", _fetch(client, shared).content.decode())

    assert {name: found for name, found in problems.items() if found} == {}
    assert [name for name, seen in shown.items() if not seen] == []


def _attribute_values(markup: str, attribute: str) -> list[str]:
    values: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values.extend(v or "" for k, v in attrs if k == attribute)

    Collect().feed(markup)
    return values


def test_the_audit_finds_injected_markup():
    """The checker itself: it flags what a browser would run, not escaped text."""
    escaped = audit_html(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
        '</p><a href="https://example.com/?q=javascript:alert(1)">ok</a>'
        '<input value="&lt;script&gt;alert(1)&lt;/script&gt;">'
    )
    assert escaped.problems == []
    assert SCRIPT in "".join(escaped.text)
    for markup in [
        f"<p>{SCRIPT}</p>",
        f"<p>{IMG}</p>",
        f'<a href=" {JS_URL}">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<div onclick="alert(1)">x</div>',
        '<form action="javascript:alert(1)"></form>',
    ]:
        assert audit_html(markup).problems, markup
