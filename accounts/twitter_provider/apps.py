from django.apps import AppConfig


class TwitterProviderConfig(AppConfig):
    # allauth finds providers by importing ``<installed app>.provider``.
    name = "accounts.twitter_provider"
    label = "roost_twitter_provider"
    verbose_name = "Sign in with Twitter"
