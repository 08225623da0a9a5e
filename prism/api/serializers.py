"""What the API reads and writes; plain text in, plain text out (never HTML)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prism.ingest.base import MAX_LENGTHS
from prism.models import (
    Article,
    Briefing,
    BriefingItem,
    BriefingSection,
    ReaderType,
    Subscriber,
)

# One request may push at most this many articles; more is a 400, not a timeout.
MAX_BULK_ARTICLES = 500
# The longest body one pushed article may have: 500 of them, sent as UTF-8, fit in
# PRISM["API_MAX_REQUEST_BYTES"] (32 MiB). The sample dumps' longest is 5,400.
MAX_API_BODY_CHARS = 20_000


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ReaderTypeSerializer(serializers.ModelSerializer):
    """A reader type, its interest profile and where to read its briefings."""

    interests = serializers.DictField(
        child=serializers.FloatField(), help_text="관심 키워드별 가중치"
    )
    preferred_sections = serializers.ListField(child=serializers.CharField())
    web_url = serializers.SerializerMethodField()
    rss_url = serializers.SerializerMethodField()
    atom_url = serializers.SerializerMethodField()

    class Meta:
        model = ReaderType
        fields = [
            "slug",
            "name",
            "description",
            "interests",
            "preferred_sections",
            "web_url",
            "rss_url",
            "atom_url",
        ]
        read_only_fields = fields

    def get_web_url(self, reader_type: ReaderType) -> str:
        return _absolute(self, reader_type.get_absolute_url())

    def get_rss_url(self, reader_type: ReaderType) -> str:
        path = reverse("prism:reader_type_rss", kwargs={"slug": reader_type.slug})
        return _absolute(self, path)

    def get_atom_url(self, reader_type: ReaderType) -> str:
        path = reverse("prism:reader_type_atom", kwargs={"slug": reader_type.slug})
        return _absolute(self, path)


class ReaderTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReaderType
        fields = ["slug", "name"]
        read_only_fields = fields


class BriefingListSerializer(serializers.ModelSerializer):
    """A briefing as listed: identity, state and the opening."""

    reader_type = ReaderTypeRefSerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="prism:api:briefing-detail")
    web_url = serializers.SerializerMethodField()
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Briefing
        fields = [
            "id",
            "url",
            "web_url",
            "reader_type",
            "edition_date",
            "status",
            "headline",
            "lead",
            "keywords",
            "version",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_web_url(self, briefing: Briefing) -> str | None:
        # Only published briefings have a public page.
        if not briefing.is_public:
            return None
        return _absolute(self, briefing.get_absolute_url())


class BriefingSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BriefingSection
        fields = ["position", "heading", "body"]
        read_only_fields = fields


class ArticleRefSerializer(serializers.ModelSerializer):
    # Articles from search pages or lead lists may have no URL: "" is valid here.
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = ["id", "headline", "url", "source", "published_at"]
        read_only_fields = fields


class BriefingItemSerializer(serializers.ModelSerializer):
    article = ArticleRefSerializer(read_only=True, allow_null=True)
    related_articles = ArticleRefSerializer(many=True, read_only=True)

    class Meta:
        model = BriefingItem
        fields = [
            "rank",
            "group",
            "headline",
            "summary",
            "article",
            "related_articles",
        ]
        read_only_fields = fields


class BriefingDetailSerializer(BriefingListSerializer):
    """Every part of a briefing, in reading order."""

    sections = BriefingSectionSerializer(many=True, read_only=True)
    items = BriefingItemSerializer(many=True, read_only=True)
    keyword_line = serializers.CharField(read_only=True)
    text_url = serializers.SerializerMethodField()

    class Meta(BriefingListSerializer.Meta):
        fields = [
            *BriefingListSerializer.Meta.fields,
            "header_line",
            "editors_note",
            "sections",
            "items",
            "keyword_line",
            "footer",
            "correction_note",
            "text_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_text_url(self, briefing: Briefing) -> str:
        path = reverse("prism:api:briefing-detail", kwargs={"pk": briefing.pk})
        return _absolute(self, f"{path}?format=text")


class ArticleSerializer(serializers.ModelSerializer):
    """A stored article as the newsroom handed it over, with its cleaned body."""

    url = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "headline",
            "source",
            "external_id",
            "url",
            "section",
            "subsection",
            "byline",
            "published_at",
            "language",
            "body",
            "duplicate_of",
            "imported_at",
            "updated_at",
        ]
        read_only_fields = fields


def _text_field(name: str, **kwargs) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=MAX_LENGTHS[name], **kwargs)


class ArticleInputSerializer(serializers.Serializer):
    """One article pushed by the CMS (the JSON import schema, canonical names)."""

    headline = serializers.CharField(
        max_length=MAX_LENGTHS["headline"], help_text="제목 (필수)"
    )
    body = serializers.CharField(
        max_length=MAX_API_BODY_CHARS,
        help_text=(
            f"본문 (필수, 최대 {MAX_API_BODY_CHARS:,}자). 텍스트 또는 HTML; "
            "가져올 때 정제됩니다."
        ),
    )
    published_at = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=(
            "발행 시각: ISO 8601(2025-04-15T09:51:26+09:00), "
            "YYYY.MM.DD HH:MM:SS 등. 시간대가 없으면 한국 시간."
        ),
    )
    url = _text_field(
        "url", help_text="원문 http(s) 주소. 다시 보내면 같은 기사로 인식"
    )
    source = _text_field("source", help_text="매체 이름")
    external_id = _text_field("external_id", help_text="CMS의 기사 ID")
    section = _text_field("section")
    subsection = _text_field("subsection")
    byline = _text_field("byline")
    language = _text_field("language")


class ArticleRejectionSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="요청 안에서 몇 번째 기사인지(0부터)")
    detail = serializers.CharField()


class ArticleImportReportSerializer(serializers.Serializer):
    """What an import did, counted like the command-line importer counts."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    near_duplicates = serializers.IntegerField()
    article_ids = serializers.ListField(child=serializers.IntegerField())


class ArticleImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ArticleRejectionSerializer(
        many=True, required=False, help_text="기사별 오류 (본문이 JSON이 아니면 없음)"
    )


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person's own profile."""

    username = serializers.CharField(source="user.get_username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    reader_types = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=ReaderType.objects.filter(is_active=True),
        help_text="받아 볼 독자 유형의 슬러그 목록",
    )

    class Meta:
        model = Subscriber
        fields = ["username", "email", "reader_types", "email_digest", "created_at"]
        read_only_fields = ["created_at"]
