import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from webhooks.wsgi import with_webhook_fast_path  # noqa: E402  (needs Django set up)

# Twitter's deliveries skip the middleware they do not need; everything else is plain Django.
application = with_webhook_fast_path(django_application)
