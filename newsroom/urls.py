"""URLs of the newsroom host project: the admin plus everything PRISM serves."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("prism.urls")),
]
