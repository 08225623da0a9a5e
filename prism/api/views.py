"""API endpoints. Briefing reads start from ``Briefing.objects.visible_to(user)``:
published ones for everybody, every state for newsroom staff who may view briefings.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from prism.api.filters import ArticleFilter, BriefingFilter
from prism.api.pagination import PrismPagination
from prism.api.parsers import PrismJSONParser, RequestTooLarge
from prism.api.permissions import ArticlePermission
from prism.api.serializers import (
    MAX_BULK_ARTICLES,
    ArticleImportErrorSerializer,
    ArticleImportReportSerializer,
    ArticleInputSerializer,
    ArticleSerializer,
    BriefingDetailSerializer,
    BriefingListSerializer,
    MeSerializer,
    ReaderTypeSerializer,
)
from prism.api.throttling import PrismAnonRateThrottle, PrismUserRateThrottle
from prism.ingest.base import RecordError
from prism.models import Article, Briefing, ReaderType, Subscriber
from prism.page_cache import PAGE_CACHE_SECONDS, published_stamp
from prism.services.articles import RecordsRejected, articles_import_records
from prism.services.live import live_view
from prism.services.subscribers import subscriber_ensure, subscriber_update

API_LIST_CACHE_PREFIX = "prism:api-briefings:v1"


class PlainTextRenderer(BaseRenderer):
    """``?format=text``: the briefing exported as the newspaper's plain text."""

    media_type = "text/plain"
    format = "text"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode(self.charset)
        # Errors (404, 429) keep their detail readable in plain text too.
        detail = data.get("detail", "") if isinstance(data, dict) else data
        return str(detail).encode(self.charset)


class PrismAPIMixin:
    """Authentication, throttling and pagination shared by every PRISM endpoint.

    Set here rather than in the host's settings so the app behaves the same in any
    project. Token first: an anonymous request is told to authenticate (401).
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = [PrismAnonRateThrottle, PrismUserRateThrottle]
    pagination_class = PrismPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [PrismJSONParser, FormParser, MultiPartParser]

    def handle_exception(self, exc):
        # Form bodies are read by Django, whose size error is an HTML 400 page.
        if isinstance(exc, RequestDataTooBig):
            exc = RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        return super().handle_exception(exc)


class ReaderTypeViewSet(PrismAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Active reader types (독자 유형), looked up by slug."""

    serializer_class = ReaderTypeSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    queryset = ReaderType.objects.filter(is_active=True).order_by("ordering", "pk")


@extend_schema_view(
    list=extend_schema(summary="브리핑 목록 (익명·구독자: 발행된 것만)"),
    retrieve=extend_schema(
        summary="브리핑 하나 (?format=text 로 텍스트 내보내기)",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["json", "text"],
                description="text: 신문 게재 형식의 일반 텍스트",
            )
        ],
        responses={
            (200, "application/json"): BriefingDetailSerializer,
            (200, "text/plain"): OpenApiTypes.STR,
            404: OpenApiResponse(description="없거나 공개되지 않은 브리핑"),
        },
    ),
)
class BriefingViewSet(PrismAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Briefings: published ones for everybody, every state for the newsroom."""

    permission_classes = [AllowAny]
    filterset_class = BriefingFilter
    filter_backends = [filters.DjangoFilterBackend]

    def get_queryset(self):
        visible = Briefing.objects.visible_to(self.request.user).order_by(
            "-edition_date", "reader_type__ordering", "pk"
        )
        if self.action == "retrieve":
            return visible.with_content().select_related("live_revision")
        return visible.select_related("reader_type")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return BriefingDetailSerializer
        return BriefingListSerializer

    def list(self, request, *args, **kwargs):
        # Everybody outside the newsroom sees the same published list: its page is
        # shared, keyed by what it depends on (published briefings' count and last
        # change, the query, the host of its links), so a change shows at once.
        json_wanted = request.accepted_renderer.format == JSONRenderer.format
        if request.user.is_staff or not json_wanted:
            return super().list(request, *args, **kwargs)
        basis = f"{published_stamp()}:{request.get_host()}:{request.GET.urlencode()}"
        key = f"{API_LIST_CACHE_PREFIX}:{hashlib.sha256(basis.encode()).hexdigest()}"
        content = cache.get(key)
        if content is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code != status.HTTP_200_OK:
                return response
            content = JSONRenderer().render(response.data)
            cache.set(key, content, PAGE_CACHE_SECONDS)
        return HttpResponse(content, content_type="application/json")

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "retrieve":
            renderers.append(PlainTextRenderer())
        return renderers

    def retrieve(self, request, *args, **kwargs):
        # A published briefing reads as its live revision, source links included.
        briefing = live_view(self.get_object())
        if request.accepted_renderer.format == PlainTextRenderer.format:
            from prism.services.render import briefing_render_text

            return Response(
                briefing_render_text(briefing), content_type="text/plain; charset=utf-8"
            )
        return Response(self.get_serializer(briefing).data)


ARTICLE_IMPORT_REQUEST = PolymorphicProxySerializer(
    component_name="ArticleImportRequest",
    serializers=[ArticleInputSerializer, ArticleInputSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema_view(
    list=extend_schema(summary="기사 목록 (편집국 직원)"),
    retrieve=extend_schema(summary="기사 하나 (편집국 직원)"),
    create=extend_schema(
        summary="기사 보내기 (하나 또는 여러 개)",
        description=(
            "CMS가 기사를 하나(객체) 또는 여러 개(배열, 최대 "
            f"{MAX_BULK_ARTICLES}개) 보냅니다. 가져오기 명령과 똑같이 정제하고 "
            "중복(같은 URL·ID·본문)과 유사 중복을 가려냅니다. 하나라도 잘못되면 "
            "아무것도 저장하지 않고 400과 함께 기사별 오류를 돌려줍니다. "
            "토큰 인증과 prism.add_article 권한이 필요합니다."
        ),
        request=ARTICLE_IMPORT_REQUEST,
        responses={
            201: ArticleImportReportSerializer,
            200: ArticleImportReportSerializer,
            400: ArticleImportErrorSerializer,
        },
    ),
)
class ArticleViewSet(
    PrismAPIMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Articles: newsroom staff read them, the host CMS pushes them in."""

    serializer_class = ArticleSerializer
    permission_classes = [ArticlePermission]
    filterset_class = ArticleFilter
    filter_backends = [filters.DjangoFilterBackend]
    parser_classes = [PrismJSONParser]
    queryset = Article.objects.order_by("-published_at", "-id")

    def create(self, request, *args, **kwargs):
        records = request.data
        many = isinstance(records, list)
        if not many:
            records = [records]
        if not records:
            return _import_error("기사가 하나도 없습니다.", [])
        if len(records) > MAX_BULK_ARTICLES:
            return _import_error(
                f"한 번에 최대 {MAX_BULK_ARTICLES}개까지 보낼 수 있습니다"
                f"({len(records)}개를 보냄).",
                [],
            )
        try:
            report = articles_import_records(
                records=records, source=_source_for(request), check=_validated
            )
        except RecordsRejected as rejected:
            errors = [
                {"index": index, "detail": reason}
                for index, reason in rejected.problems
            ]
            return _import_error(
                "잘못된 기사가 있어 아무것도 저장하지 않았습니다.", errors
            )
        body = ArticleImportReportSerializer(report).data
        created = status.HTTP_201_CREATED if report.created else status.HTTP_200_OK
        return Response(body, status=created)


def _source_for(request) -> str:
    """Articles without a ``source`` are credited to the pushing account."""
    return f"api:{request.user.get_username()}"[:100]


def _validated(record: object) -> dict:
    """One pushed record checked by the API's schema; RecordError says what is wrong."""
    serializer = ArticleInputSerializer(data=record)
    if not serializer.is_valid():
        raise RecordError(_flatten(serializer.errors))
    return serializer.validated_data


def _flatten(errors: dict) -> str:
    """Serializer errors as one readable line: ``field: message; ...``."""
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(message) for message in messages)
        parts.append(text if field == "non_field_errors" else f"{field}: {text}")
    return "; ".join(parts)


def _import_error(detail: str, errors: list[dict]) -> Response:
    return Response(
        {"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST
    )


class MeView(PrismAPIMixin, generics.RetrieveUpdateAPIView):
    """The signed-in person's own profile: reader types followed, digest opt-in."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> Subscriber:
        subscriber = subscriber_ensure(user=self.request.user)
        queryset = Subscriber.objects.select_related("user").prefetch_related(
            Prefetch("reader_types", queryset=ReaderType.objects.order_by("ordering"))
        )
        return queryset.get(pk=subscriber.pk)

    def perform_update(self, serializer: MeSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = subscriber_update(
            user=self.request.user,
            reader_types=data.get("reader_types"),
            email_digest=data.get("email_digest"),
        )
