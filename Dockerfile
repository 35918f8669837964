# stubforge mock server: slim, non-root, stubs mounted read-only at /stubs.
#   docker build -t stubforge .
#   docker run --rm -p 8080:8080 -e STUBFORGE_ADMIN_TOKEN=secret -v "$PWD/stubs:/stubs:ro" stubforge
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# EXTRAS=record builds the recorder image (mitmproxy); the default is the mock alone.
ARG EXTRAS=""

WORKDIR /opt/stubforge
COPY pyproject.toml README.md ./
COPY app ./app
# HOME is a directory of its own, writable by the user: the recorder keeps mitmproxy's CA
# and the redaction key there (compose mounts a volume over it to keep them).
RUN pip install ".${EXTRAS:+[$EXTRAS]}" \
 && useradd --system --uid 10001 --home-dir /var/lib/stubforge --shell /usr/sbin/nologin stubforge \
 && mkdir -p /var/lib/stubforge && chown 10001:10001 /var/lib/stubforge
ENV HOME=/var/lib/stubforge

# The sample stubs are the default; mount your own over /stubs (read-only is enough:
# the server never writes there, it only watches for changes).
COPY stubs /stubs
VOLUME ["/stubs"]

USER 10001:10001
EXPOSE 8080

# /__admin/health answers without a token (it reveals only status and counts).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["python", "-c", "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/__admin/health', timeout=2).status == 200 else 1)"]

# Listening on 0.0.0.0 exposes the admin API: the server refuses to start unless
# STUBFORGE_ADMIN_TOKEN is set (or --insecure-admin is passed explicitly).
ENTRYPOINT ["stubforge"]
CMD ["serve", "--stubs", "/stubs", "--host", "0.0.0.0", "--port", "8080"]
