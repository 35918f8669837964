"""On-miss forwarding to the real upstream: the header rules of a proxy, the upstream of a
request, the HTTP client pool, and the capture of a proxied exchange as a recording entry
(through :mod:`stubforge.redact` and the recorder's crash-safe writer).

Nothing here imports mitmproxy: ``stubforge serve --on-miss record`` runs without the
``record`` extra.
"""
