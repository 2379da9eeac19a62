import logging

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

logger = logging.getLogger("roost.sandbox")

PRODUCTION_WARNING = (
    "SANDBOX_ENABLED=1 with DEBUG off: the fake Twitter at /sandbox/ is reachable. "
    "Use this only for demos and benchmarks, never with real customers."
)


def sandbox_in_production(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    if settings.SANDBOX_ENABLED and not settings.DEBUG:
        return [checks.Warning(PRODUCTION_WARNING, id="sandbox.W001")]
    return []


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Twitter sandbox"

    def ready(self) -> None:
        checks.register(sandbox_in_production, checks.Tags.security, deploy=False)
        if settings.SANDBOX_ENABLED and not settings.DEBUG:
            logger.warning(PRODUCTION_WARNING)
