"""API URLs, included by ``prism.urls`` under ``api/`` (namespace ``prism:api``)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from prism.api import views

app_name = "api"

router = DefaultRouter()
router.register("reader-types", views.ReaderTypeViewSet, basename="reader-type")
router.register("briefings", views.BriefingViewSet, basename="briefing")
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="prism:api:schema"),
        name="docs",
    ),
    path("", include(router.urls)),
]
