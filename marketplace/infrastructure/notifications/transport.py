"""Sending one signed POST to a webhook receiver, and the address rules that keep a
hosted marketplace from being used to reach its own private network (SSRF).

The receiver's host name is resolved once per attempt; every address it names must
be public (unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES), and the connection goes to the
address that was checked, so a name that changes its answer between the check and
the connection gains nothing. Redirects are not followed: a 3xx is a failed attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications.models import AttemptOutcome

USER_AGENT = "Marketplace-Webhooks/1"
EXCERPT = 500  # characters of the receiver's answer kept in the log


class AddressRefused(Exception):
    """The receiver's address is not one the marketplace may call."""


def signature(secret: str, body: bytes) -> str:
    """The X-Marketplace-Signature header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# ----- which URLs and addresses are allowed ---------------------------------------------


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot receive webhooks (a message for the user), or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return str(_l("Not a valid URL."))
    if parts.scheme not in ("http", "https"):
        return str(_l("Use an http:// or https:// URL."))
    if not parts.hostname:
        return str(_l("The URL has no host name."))
    if parts.username or parts.password:
        return str(_l("Do not put credentials in the URL; the secret signs every delivery."))
    if allow_private:
        return None
    try:
        check_addresses(resolve(parts.hostname, port or _default_port(parts.scheme)))
    except AddressRefused:
        return str(_l("This URL points to a private, loopback or reserved address; "
                      "webhooks go to public addresses only."))
    except (OSError, UnicodeError):  # unknown, or not even a valid host name
        return str(_l("The host name of this URL cannot be resolved."))
    return None


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_addresses(addresses: list[str]) -> None:
    """Refuse when any address is not public: one private answer is enough to refuse,
    or a name could mix a public and a private address."""
    for address in addresses:
        if not _is_public(address):
            raise AddressRefused(f"{address} is not a public address")
    if not addresses:
        raise OSError("the host name has no address")


# ----- one attempt ---------------------------------------------------------------------


@dataclass
class Answer:
    outcome: AttemptOutcome
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.outcome == AttemptOutcome.DELIVERED


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a fresh lookup of the name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float,
         allow_private: bool) -> Answer:
    """POST ``body`` to ``url``; every way it can go wrong becomes an ``Answer``."""
    started = time.monotonic()
    answer = _post(url, body, headers, timeout=timeout, allow_private=allow_private)
    answer.duration_ms = int((time.monotonic() - started) * 1000)
    return answer


def _post(url: str, body: bytes, headers: dict[str, str], *, timeout: float,
          allow_private: bool) -> Answer:
    parts = urlsplit(url)
    port = parts.port or _default_port(parts.scheme)
    try:
        addresses = resolve(parts.hostname or "", port)
        if not allow_private:
            check_addresses(addresses)
    except AddressRefused as refused:
        return Answer(AttemptOutcome.ADDRESS_REFUSED, error=str(refused))
    except (OSError, UnicodeError) as error:
        return Answer(AttemptOutcome.CONNECTION_ERROR,
                      error=f"cannot resolve host: {error}"[:500])
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, address=addresses[0], timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers={
            "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        excerpt = response.read(EXCERPT * 4).decode("utf-8", "replace")[:EXCERPT] or None
    except TimeoutError:
        return Answer(AttemptOutcome.TIMEOUT, error=f"no answer within {timeout:g} s")
    except ssl.SSLError as error:
        return Answer(AttemptOutcome.TLS_ERROR, error=str(error)[:500])
    except Exception as error:  # noqa: BLE001 - whatever breaks the call is a failed attempt
        return Answer(AttemptOutcome.CONNECTION_ERROR,
                      error=(str(error) or type(error).__name__)[:500])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Answer(AttemptOutcome.DELIVERED, response.status, excerpt=excerpt)
    return Answer(AttemptOutcome.HTTP_ERROR, response.status,
                  error=f"HTTP {response.status} {response.reason}"[:500], excerpt=excerpt)
