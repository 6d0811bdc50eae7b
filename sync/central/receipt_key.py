"""The central service's receipt-signing key (kiosk/signed_receipts.py says why receipts are
signed): `central.receipt-key` in the data folder, 0600, made at `kiosk central init`, or at
the first start of a folder set up before receipts were signed."""

from __future__ import annotations

from pathlib import Path

from kiosk.signed_receipts import ReceiptKeyError, ReceiptSigner
from kiosk.store.keys import write_once

from .errors import CentralError

RECEIPT_KEY_FILE = "central.receipt-key"


def load_or_create_signer(data_dir: Path) -> ReceiptSigner:
    """The folder's receipt key; made if there is none. Several processes starting together
    all end with the same key (kiosk/store/keys.py: write_once)."""
    path = data_dir / RECEIPT_KEY_FILE
    try:
        pem = path.read_bytes() if path.exists() else write_once(
            path, ReceiptSigner.generate().pem())
        return ReceiptSigner.from_pem(pem)
    except OSError as error:
        raise CentralError(f"The receipt key {path} cannot be read or made: "
                           f"{error.strerror}.") from None
    except (ValueError, ReceiptKeyError) as error:
        raise CentralError(f"The receipt key {path} is not usable ({error}); restore it from "
                           "the backup, or kiosks will not accept this service's receipts."
                           ) from None
