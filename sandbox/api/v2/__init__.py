"""X API v2 under ``/sandbox/api/2/`` (twitter-api.md §12): the same services, OAuth 1.0a and
bearer checks, fault injection and rate limits as v1.1, with v2 bodies and problem JSON."""
