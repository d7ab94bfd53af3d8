from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "cruscotto.performance"
    verbose_name = "Performance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from . import audit, limiti

        audit.connect()
        # Every text of every row fits its column and holds no NUL, on both databases (limiti.py).
        for model in self.get_models():
            pre_save.connect(limiti.on_pre_save, sender=model, dispatch_uid=f"limiti-{model._meta.label}")
