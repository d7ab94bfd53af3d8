from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "cruscotto.performance"
    verbose_name = "Performance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit

        audit.connect()
