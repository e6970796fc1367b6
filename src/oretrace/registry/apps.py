from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "oretrace.registry"
    label = "registry"
    verbose_name = "oretrace registry"
    default_auto_field = "django.db.models.BigAutoField"
