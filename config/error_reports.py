"""Error reports (the debug page, admin error emails) that never show a secret.

Django hides settings whose names look secret (``*_SECRET``, ``*_KEY``, ``*_TOKEN``...), but a
password can also sit inside a URL whose name looks harmless: ``REDIS_URL``,
``CELERY_BROKER_URL``, a cache's ``LOCATION``. Those keep their host and lose the password.
"""

from __future__ import annotations

import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/\s]*):(?P<password>[^@/\s]+)@", re.I)


def url_without_password(value: str) -> str:
    return _URL_PASSWORD.sub(r"\g<scheme>\g<user>:********@", value)


class RoostExceptionReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        return url_without_password(cleansed) if isinstance(cleansed, str) else cleansed
