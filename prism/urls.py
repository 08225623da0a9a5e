"""PRISM's public URLs; include with ``path("", include("prism.urls"))``."""

from django.urls import path

from prism import views

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
    path("accounts/profile/", views.profile, name="profile"),
]
