"""`kiosk doctor`: each destination reached as the sync worker reaches it: over TLS that is
verified (or a private CA's, with ca_file), the token accepted, the sealing key the pinned one.
The central service's Date header is kept for the clock's check. For an OpenRosa server, each
of the kiosk's forms sent there is compared with the server's: listed, the same version (or
the one Central's managed encryption renamed it to), every path the kiosk sends in the
server's XForm, and the same encryption key."""

from __future__ import annotations

import contextlib
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from kiosk.config import is_loopback
from kiosk.doctor import FAIL, OK, WARN, Findings, Row

if TYPE_CHECKING:
    from collections.abc import Callable

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
        if row.status != FAIL and destination.type == "openrosa":
            rows.extend(_openrosa_forms(config, name, destination))
    return rows


def _fixed(paths: frozenset[str]) -> Callable[[str, str], frozenset[str] | None]:
    return lambda _form_id, _version: paths


def _openrosa_forms(config: Config, name: str, destination: Destination) -> list[Row]:
    """A row per form of this kiosk sent to the OpenRosa destination `name`."""
    from kiosk.sealing import SealingError, odk_public_key

    from .openrosa.documents import version_to_send
    from .openrosa.encryption import key_fingerprint
    from .openrosa.instance import form_paths
    from .openrosa.transport import OpenRosaTransport
    from .transport import AuthRefused, LinkDown

    forms = {form_id: form for form_id, form in config.load_catalogue().forms.items()
             if form.definition.settings.destination == name}
    if not forms:
        return []
    server = OpenRosaTransport(destination)
    rows = []
    try:
        listed = server.refresh_forms()
        for form_id, form in sorted(forms.items()):
            check = f"form {form_id} ({name})"
            theirs = listed.get(form_id)
            if theirs is None:
                rows.append(Row(check, WARN, "the server lists no such form for this kiosk: its "
                                "submissions wait", "publish it on the server and give this "
                                "kiosk's account (app user) access to it"))
                continue
            if version_to_send(form.version, theirs.version) is None:
                rows.append(Row(check, WARN, f"the server's current version is "
                                f"'{theirs.version}', this kiosk's '{form.version}': the server "
                                "takes it only if it has had that version published",
                                "publish the same version on both"))
                continue
            server.paths_of = _fixed(form_paths(form))
            problem = server.check_paths(form_id, form.version, theirs)
            if problem is not None:
                rows.append(Row(check, FAIL, problem, "make the names match, then run `kiosk "
                                "doctor` again"))
                continue
            xform = server.server_xform(theirs)
            ours = form.definition.settings.public_key
            if xform.public_key and not ours:
                rows.append(Row(check, WARN, "the server's form is encrypted but this kiosk's "
                                "has no public_key: its submissions are sent readable",
                                "put the server's key (base64RsaPublicKey) in the form's "
                                "public_key setting"))
                continue
            if xform.public_key and ours:
                try:
                    same = key_fingerprint(odk_public_key(ours)) == key_fingerprint(
                        odk_public_key(xform.public_key))
                except SealingError:
                    same = False
                if not same:
                    rows.append(Row(check, FAIL, "this kiosk encrypts to another key than the "
                                    "server's form: the server cannot open its submissions",
                                    "put the server's key (base64RsaPublicKey) in the form's "
                                    "public_key setting"))
                    continue
            renamed = "" if theirs.version == form.version else (
                f", known there as '{theirs.version}'")
            rows.append(Row(check, OK, f"version '{form.version}'{renamed}: every path it sends "
                            "is in the server's form"))
    except (LinkDown, AuthRefused) as error:
        rows.append(Row(f"forms ({name})", FAIL, f"the server's forms could not be read: {error}",
                        "check the url and that this account may read the forms"))
    finally:
        server.close()
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
