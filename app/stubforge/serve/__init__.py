"""Serving: the raw ASGI dispatcher, the replay fast path and the responder."""
