from django.apps import AppConfig


class CentralConfig(AppConfig):
    name = "sync.central.web"
    label = "central"
    verbose_name = "Central service"
    default_auto_field = "django.db.models.BigAutoField"
