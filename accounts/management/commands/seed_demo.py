from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_BRAND_SLUG, demo_seed
from accounts.tasks import demo_connect
from config.queue import enqueue_now


class Command(BaseCommand):
    help = "Create the development demo: a superuser (its password is printed) and a demo brand."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates a superuser with a printed password; it only runs with DEBUG on.")
        result = demo_seed(new_password=secrets.token_urlsafe(12))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Roost demo is ready."))
        self.stdout.write(f"  Admin:    {settings.PUBLIC_URL}/admin/")
        self.stdout.write(f"  Log in:   {settings.PUBLIC_URL}/accounts/login/")
        self.stdout.write(f"  Email:    {result.email}")
        self.stdout.write(f"  Password: {result.password}")
        self.stdout.write(f"  Brand:    {result.brand.name} ({DEMO_BRAND_SLUG})")
        if settings.SANDBOX_ENABLED:
            # The sandbox answers over HTTP, so connecting waits for the web server: the worker does it.
            enqueue_now(demo_connect)
            self.stdout.write(
                f"  Customer: {settings.PUBLIC_URL}/sandbox/ (the demo account is connected once the server is up)"
            )
        self.stdout.write("")
