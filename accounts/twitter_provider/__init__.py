"""Sign in with Twitter for Roost: allauth's Twitter provider, pointed at TWITTER_API_URL.

allauth's provider hard-codes Twitter's hosts; this one (same id, ``twitter``) reads the host
from settings at request time and talks to Twitter only through ``integrations.twitter``, so
the sandbox and real Twitter both work without code changes.
"""
