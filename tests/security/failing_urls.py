"""Roost's URLs plus one view that fails, with a secret in its error."""

from django.conf import settings
from django.urls import path

from config.urls import urlpatterns as roost_urlpatterns


def fail(request):  # noqa: ANN001, ANN201
    raise RuntimeError(f"Twitter refused {settings.TWITTER_CONSUMER_SECRET}")


urlpatterns = [path("fail", fail), *roost_urlpatterns]
