"""HTTPS for the mock: a certificate the user gives (``--tls-cert/--tls-key``), or
``--tls self-signed``: a local CA and a server certificate for the host names served.

The CA is made once and kept (``ca.pem``, its key ``ca-key.pem`` readable by the owner
only) in ``--tls-dir`` (default ``~/.config/stubforge/tls``), so a user trusts it once;
each start issues a fresh server certificate from it. ``trustme`` makes the
certificates: it is small, maintained, built on ``cryptography``, and does exactly this
(a CA plus leaf certificates for names and IP addresses).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")


class TlsError(Exception):
    """A TLS setting that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    """Server certificate chain (PEM)."""
    key: Path
    """Server private key (PEM)."""
    ca: Path | None = None
    """The CA to trust, for ``--tls self-signed``."""


def default_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stubforge" / "tls"


def hosts_for(listen_host: str, extra: list[str]) -> list[str]:
    """The names the server certificate is valid for: the defaults, the listen address
    (unless it is a wildcard) and ``extra`` (``--tls-hosts``)."""
    names = [*DEFAULT_HOSTS]
    if listen_host not in ("0.0.0.0", "::", ""):
        names.append(listen_host)
    names += extra
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def self_signed(directory: Path, hosts: list[str]) -> TlsFiles:
    """Load (or create) the CA in ``directory`` and issue a server certificate for
    ``hosts``; return the files uvicorn and the user need."""
    try:
        import trustme
    except ModuleNotFoundError:
        raise TlsError(
            "--tls self-signed needs the trustme package: pip install 'stubforge[tls]'"
        ) from None
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if not host.replace(".", "").replace("-", "").replace("*", "").isalnum():
                raise TlsError(f"--tls-hosts: {host!r} is not a host name or IP address") from None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ca_path, ca_key = directory / "ca.pem", directory / "ca-key.pem"
        if ca_path.exists() and ca_key.exists():
            ca = trustme.CA.from_pem(ca_path.read_bytes(), ca_key.read_bytes())
        else:
            ca = trustme.CA(organization_name="stubforge local CA")
            _private(ca_key, ca.private_key_pem.bytes())
            ca_path.write_bytes(ca.cert_pem.bytes())
        leaf = ca.issue_cert(*hosts, organization_name="stubforge")
        cert, key = directory / "server.pem", directory / "server-key.pem"
        cert.write_bytes(b"".join(p.bytes() for p in leaf.cert_chain_pems))
        _private(key, leaf.private_key_pem.bytes())
    except OSError as exc:
        raise TlsError(f"--tls-dir {directory}: {exc.strerror or exc}") from None
    return TlsFiles(cert, key, ca_path)


def given(cert: Path | None, key: Path | None) -> TlsFiles:
    """``--tls-cert`` and ``--tls-key``, checked to exist and to belong together."""
    import ssl

    if cert is None or key is None:
        raise TlsError("give both --tls-cert and --tls-key")
    for opt, path in (("--tls-cert", cert), ("--tls-key", key)):
        if not path.is_file():
            raise TlsError(f"{opt}: no such file: {path}")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"--tls-cert/--tls-key cannot be used together: {exc}") from None
    return TlsFiles(cert, key)


def trust_hint(ca: Path, url: str) -> str:
    """How to trust the generated CA, printed at start."""
    return (
        f"stubforge: HTTPS with a local CA; trust {ca} to call {url}:\n"
        f"  curl --cacert {ca} {url}/__admin/health\n"
        f"  Python: SSL_CERT_FILE={ca} (requests: REQUESTS_CA_BUNDLE={ca}; httpx: "
        f"verify=ssl.create_default_context(cafile='{ca}'))\n"
        f"  Node: NODE_EXTRA_CA_CERTS={ca}\n"
        f"  system-wide (Debian/Ubuntu): cp {ca} /usr/local/share/ca-certificates/"
        "stubforge.crt && update-ca-certificates"
    )
