from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrismConfig(AppConfig):
    name = "prism"
    verbose_name = _("AI 프리즘")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from prism import checks, conf  # noqa: F401  (connect signal receivers, checks)
        from prism.models import Article
        from prism.schedules import ensure_schedules_after_migrate
        from prism.services.live import article_saved

        # A live briefing keeps its published links; editors hear of the change.
        post_save.connect(article_saved, sender=Article, dispatch_uid="prism.live")
        post_migrate.connect(
            ensure_schedules_after_migrate,
            sender=self,
            dispatch_uid="prism.ensure_schedules",
        )
