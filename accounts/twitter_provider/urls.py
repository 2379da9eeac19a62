from allauth.socialaccount.providers.oauth.urls import default_urlpatterns

from accounts.twitter_provider.provider import TwitterProvider

urlpatterns = default_urlpatterns(TwitterProvider)
