"""PRISM's public URLs; include with ``path("", include("prism.urls"))``."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from prism import feeds, views
from prism.sitemaps import SITEMAPS

app_name = "prism"

urlpatterns = [
    path("", views.home, name="home"),
    path("briefings/", views.briefing_archive, name="briefing_archive"),
    path(
        "briefings/<str:edition_date>/<slug:slug>/",
        views.briefing_detail,
        name="briefing_detail",
    ),
    path("reader-types/<slug:slug>/", views.reader_type_detail, name="reader_type"),
    path(
        "reader-types/<slug:slug>/follow/",
        views.reader_type_follow,
        name="reader_type_follow",
    ),
    path(
        "reader-types/<slug:slug>/feed/",
        feeds.ReaderTypeRssFeed(),
        name="reader_type_rss",
    ),
    path(
        "reader-types/<slug:slug>/atom/",
        feeds.ReaderTypeAtomFeed(),
        name="reader_type_atom",
    ),
    path("accounts/signup/", views.sign_up, name="sign_up"),
    path("accounts/signup/sent/", views.sign_up_done, name="sign_up_done"),
    path(
        "accounts/signup/confirm/<str:uidb64>/<str:token>/",
        views.sign_up_confirm,
        name="sign_up_confirm",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("api/", include("prism.api.urls")),
]
