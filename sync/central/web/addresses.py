"""Who is asking, as an address: what rate limits (and the console's audit) count by.

Behind the documented reverse proxy every request comes from the proxy, and the client's own
address is the last hop of X-Forwarded-For, the one the proxy appended itself (nginx's
$proxy_add_x_forwarded_for). Anything before it was written by the client and is not believed.
The header itself is believed only from the proxies named in the setting TRUSTED_PROXIES
(KIOSK_CENTRAL_TRUSTED_PROXIES: addresses or networks, comma-separated; "unix" for a proxy on
a Unix socket, where the server sees no address): from anyone else it is the client's own say.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings  # lazy: settings.py imports this module to check its setting

if TYPE_CHECKING:
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNIX_SOCKET = "unix"


def trusted_proxies(text: str) -> list[str]:
    """The setting's entries, checked as the settings load: a mistyped address stops the
    service at its start, with this message, instead of failing requests later."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    for entry in entries:
        if entry == UNIX_SOCKET:
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"KIOSK_CENTRAL_TRUSTED_PROXIES: {entry!r} is not an address or "
                             "a network (e.g. 127.0.0.1, 10.0.0.0/8, ::1) nor unix.") from None
    return entries


@functools.cache
def _trusted(setting: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    networks = tuple(ipaddress.ip_network(entry, strict=False) for entry in setting
                     if entry != UNIX_SOCKET)
    return UNIX_SOCKET in setting, networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _from_trusted_proxy(request: HttpRequest) -> bool:
    peer_text = request.META.get("REMOTE_ADDR") or ""
    peer = _address(peer_text)
    unix_trusted, networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if peer is None:
        return not peer_text and unix_trusted
    return any(peer in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: the proxy's last hop when the request came through a trusted
    proxy, else the connection's own ("unknown" when neither is an address)."""
    if _from_trusted_proxy(request):
        hops = (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        last = _address(hops[-1])
        if last is not None:
            return str(last)
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    return str(peer) if peer is not None else "unknown"


def ignored_proxy(request: HttpRequest) -> str | None:
    """The peer, when it sent X-Forwarded-For but is not a trusted proxy: behind a proxy the
    setting leaves out, every client is counted as the proxy."""
    if not request.META.get("HTTP_X_FORWARDED_FOR") or _from_trusted_proxy(request):
        return None
    return request.META.get("REMOTE_ADDR") or UNIX_SOCKET


def rate_key(address: str) -> str:
    """What a rate limit counts an address under: an IPv6 client is given a whole /64 (one
    household's or one machine's), so it cannot step around a limit by changing address."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
