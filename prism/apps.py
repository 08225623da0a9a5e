from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrismConfig(AppConfig):
    name = "prism"
    verbose_name = _("AI 프리즘")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from prism import checks, conf  # noqa: F401  (connect signal receivers, checks)
        from prism.schedules import ensure_schedules_after_migrate

        post_migrate.connect(
            ensure_schedules_after_migrate,
            sender=self,
            dispatch_uid="prism.ensure_schedules",
        )
