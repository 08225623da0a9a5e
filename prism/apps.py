from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrismConfig(AppConfig):
    name = "prism"
    verbose_name = _("AI 프리즘")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from prism import checks, conf  # noqa: F401  (connect signal receivers, checks)
