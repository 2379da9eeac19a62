from django.urls import path

from webhooks import views

urlpatterns = [
    path("twitter/", views.twitter_webhook, name="twitter_webhook"),
]
