"""`kiosk doctor`: each destination reached as the sync worker reaches it: over TLS that is
verified (or a private CA's, with ca_file), the token accepted, the sealing key the pinned one.
The central service's Date header is kept for the clock's check."""

from __future__ import annotations

import contextlib
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from kiosk.config import is_loopback
from kiosk.doctor import FAIL, OK, WARN, Findings, Row

if TYPE_CHECKING:
    import requests

    from kiosk.config import Config, Destination


def check_destinations(config: Config, findings: Findings) -> list[Row]:
    if not config.destinations:
        return [Row("central", WARN, "no destination is configured: submissions stay on this "
                    "kiosk", "add a [destinations.central] table (`kiosk central init` prints "
                    "one)")]
    rows = []
    for name, destination in config.destinations.items():
        check = f"central ({name})"
        row = _reach(check, destination, config.site_id, findings)
        if row.status == OK and destination.url.startswith("http:"):
            if is_loopback(destination.url):
                row.found += " (plain http, this machine only)"
            else:
                row = Row(check, WARN, row.found + " over plain http: not encrypted",
                          "use https (allow_http is for a network IT trusts)")
        rows.append(row)
    return rows


def _reach(check: str, destination: Destination, site_id: str, findings: Findings) -> Row:
    import requests

    from .transport import AuthRefused, KeyMismatch, LinkDown, RestTransport

    session = requests.Session()

    def remember_date(response: requests.Response, *args: object, **kwargs: object) -> None:
        said = response.headers.get("Date")
        if said:
            with contextlib.suppress(TypeError, ValueError):  # a Date that is not one
                findings.server_dates.append(parsedate_to_datetime(said))

    session.hooks["response"].append(remember_date)
    shown = destination.shown_url
    advice_link = ("check the url, the network and the firewall; for a private certificate "
                   "authority set ca_file")
    if destination.type == "openrosa":
        from .openrosa.transport import OpenRosaTransport

        server = OpenRosaTransport(destination, session=session)
        try:
            server.probe()
        except AuthRefused as refused:
            return Row(check, FAIL, str(refused), "check this destination's url, username and "
                       "password")
        except LinkDown as down:
            return Row(check, FAIL, f"{shown}: {down}", advice_link)
        finally:
            server.close()
        return Row(check, OK, f"{shown}: the OpenRosa server answered and accepts this kiosk")
    transport = RestTransport(destination, site_id, session=session)
    try:
        transport.probe()  # GET /health: reached, over TLS that was verified
        transport.forms(None)  # an authenticated request: the token is accepted
        transport.fetch_key()  # the key it offers is the pinned one
        offered = transport.offered_receipt_key()
    except AuthRefused as refused:
        return Row(check, FAIL, str(refused), "put the token `kiosk central add-device` printed "
                   "in the config (or ask for a new one)")
    except KeyMismatch as mismatch:
        return Row(check, FAIL, str(mismatch), "check key_fingerprint against the central "
                   "service's; never send to a key that is not the pinned one")
    except LinkDown as down:
        return Row(check, FAIL, f"{shown}: {down}", advice_link)
    finally:
        transport.close()
    tls = ", TLS verified" if destination.url.startswith("https:") else ""
    found = f"{shown}: reached{tls}, token accepted, sealing key as pinned"
    pinned = transport.receipt_key
    if pinned is not None and (offered is None or offered.text != pinned.text):
        return Row(check, FAIL, f"{found}; but its receipts are not signed with the pinned "
                   "receipt_key, so nothing it answers counts as delivered",
                   "check receipt_key against `kiosk central init`'s block; if the service "
                   "was set up again, it is not the one this kiosk sent to")
    if pinned is None and offered is not None:
        return Row(check, WARN, f"{found}; receipts are checked with the key it offered at "
                   "first contact, not a pinned one", f'pin it: receipt_key = "{offered.text}"')
    if offered is None:
        return Row(check, WARN, f"{found}; it does not sign its receipts (an older service)",
                   "upgrade the central service: a signed receipt proves a submission arrived")
    return Row(check, OK, f"{found}, receipts signed with the pinned key")
