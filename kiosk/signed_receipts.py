"""Delivery receipts the central service signs, and the kiosk checks before it counts a
submission as delivered.

Anything between the kiosk and the service (a TLS-terminating proxy, a server in its place)
could otherwise echo an instance id with any receipt id and have the kiosk mark submissions
delivered that were never stored. The service signs each receipt with an Ed25519 key over the
receipt id, the instance id, the SHA-256 of the payload it opened and the time it received it;
the kiosk holds the service's public key (pinned in its config as `receipt_key`, as the
sealing key is pinned) and the digest of what it sealed, so only the service that stored this
very submission can give a receipt the kiosk accepts.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "ed25519:"  # how a receipt key is written: ed25519:<base64 of the 32 raw bytes>
_CONTEXT = b"kiosk-receipt-v1\0"  # a receipt signature is never valid as any other signature
SIGNED_FIELDS = ("receipt_id", "instance_id", "payload_sha256", "received_at")


class ReceiptKeyError(ValueError):
    """A receipt key that is not one: said in a sentence for the config's reader."""


def message(receipt: Mapping[str, object]) -> bytes:
    """The bytes a receipt's signature covers; KeyError when a field is missing."""
    return _CONTEXT + json.dumps([str(receipt[name]) for name in SIGNED_FIELDS],
                                 separators=(",", ":")).encode()


class ReceiptKey:
    """The service's public receipt key, as a kiosk pins it."""

    def __init__(self, public: Ed25519PublicKey):
        self._public = public

    @classmethod
    def from_text(cls, text: str) -> ReceiptKey:
        if not isinstance(text, str) or not text.startswith(PREFIX):
            raise ReceiptKeyError(f"a receipt key starts with {PREFIX} (as `kiosk central init` "
                                  "prints it)")
        try:
            raw = base64.b64decode(text.removeprefix(PREFIX), validate=True)
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except (binascii.Error, ValueError):
            raise ReceiptKeyError("the receipt key is not 32 bytes of base64 after "
                                  f"{PREFIX}") from None

    @property
    def text(self) -> str:
        raw = self._public.public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
        return PREFIX + base64.b64encode(raw).decode()

    def verifies(self, receipt: Mapping[str, object]) -> bool:
        """Whether `receipt` carries this key's signature over its signed fields."""
        signature = receipt.get("signature")
        if not isinstance(signature, str):
            return False
        try:
            self._public.verify(base64.b64decode(signature, validate=True), message(receipt))
        except (InvalidSignature, binascii.Error, ValueError, KeyError):
            return False
        return True


class ReceiptSigner:
    """The service's private receipt key."""

    def __init__(self, private: Ed25519PrivateKey):
        self._private = private

    @classmethod
    def generate(cls) -> ReceiptSigner:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> ReceiptSigner:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ReceiptKeyError("the receipt key file does not hold an Ed25519 key")
        return cls(key)

    def pem(self) -> bytes:
        return self._private.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())

    @property
    def public(self) -> ReceiptKey:
        return ReceiptKey(self._private.public_key())

    def sign(self, receipt: Mapping[str, object]) -> dict[str, object]:
        """`receipt` with its signature added."""
        signature = base64.b64encode(self._private.sign(message(receipt))).decode()
        return {**receipt, "signature": signature}
