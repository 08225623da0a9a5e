"""URLs of the newsroom host project: the admin plus everything PRISM serves."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "AI 프리즘 편집국"
admin.site.site_title = "AI 프리즘 편집국"
admin.site.index_title = "브리핑 편집"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("prism.urls")),
]
