"""Brand settings, invitations and API tokens: server-rendered pages over the services."""
