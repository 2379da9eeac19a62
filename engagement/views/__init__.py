"""The agent dashboard: server-rendered pages and htmx fragments."""
