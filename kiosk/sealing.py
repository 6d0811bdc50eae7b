"""Sealing a submission to its destination's public key, so the kiosk cannot read it back.

Envelope encryption: a fresh AES-256-GCM content key per submission encrypts the payload; that
key is wrapped with the destination's X25519 public key by HPKE (RFC 9180: DHKEM(X25519,
HKDF-SHA256), HKDF-SHA256, AES-256-GCM) from the `cryptography` package. Only the holder of the
private key (the central service) can unwrap it. The instance id is bound into both layers, so
an envelope cannot be passed off as another submission.

The kiosk pins the key's fingerprint in its configuration: a key whose fingerprint differs (a
wrong file, a tampered config, a server that hands out another key) is refused. IT may pin
several (the current key and the next one, before the central rotates to it). Every envelope
names the key it is sealed to, so a central that keeps its earlier keys opens each with its own.

Other destinations seal differently (an OpenRosa server: ODK's own scheme, to the public key a
form carries). What the store asks of any sealer is `seal(payload, instance_id)` and a
`fingerprint`; a sealer that decides per submission returns `Sealed` instead of bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

FORMAT = "kiosk-sealed-v1"
ALGORITHM = "HPKE(X25519, HKDF-SHA256, AES-256-GCM) key wrap + AES-256-GCM"
_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
_NONCE_BYTES = 12


class SealingError(Exception):
    """A key or an envelope that cannot be used; the message says which and why."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    """An envelope's field decoded; SealingError if it is not base64 text (or is missing)."""
    if isinstance(text, str):
        try:
            return base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            pass
    raise SealingError(f"{what} is not valid base64")


@dataclass(frozen=True)
class Sealed:
    """A sealer's answer for one submission: the envelope, and the fingerprint of the key it
    is sealed to; None when no destination key applies (an OpenRosa form without a public
    key): then the envelope is readable, and only the kiosk's install key protects it."""

    envelope: bytes
    sealed_to: str | None


# ODK Central unwraps a submission's key only from a 256-byte RSA block (lib/util/crypto.js,
# getSubmissionKey): a larger key encrypts submissions nobody at the server can open.
ODK_KEY_BITS = 2048


def odk_public_key(text: str) -> RSAPublicKey:
    """A form's `public_key` (XLSForm settings): the base64 of an RSA public key, as between
    the BEGIN/END lines of its PEM file (a whole PEM is accepted too)."""
    body = "".join(line for line in str(text).strip().splitlines() if not line.startswith("-----"))
    raw = _unb64("".join(body.split()), "the form's public_key")
    try:
        key = serialization.load_der_public_key(raw)
    except (ValueError, TypeError):
        raise SealingError("the form's public_key is not a public key (it should be the base64 "
                           "between the BEGIN/END PUBLIC KEY lines of an RSA key)") from None
    if not isinstance(key, RSAPublicKey):
        raise SealingError("the form's public_key must be an RSA key (ODK's encryption uses RSA)")
    if key.key_size != ODK_KEY_BITS:  # ODK Central decrypts only 2048-bit keys
        raise SealingError(f"the form's public_key is an RSA key of {key.key_size} bits: ODK "
                           f"Central decrypts only keys of exactly {ODK_KEY_BITS} bits (make one "
                           f"with `openssl genrsa -out form-private.pem {ODK_KEY_BITS}`)")
    return key


def fingerprint(raw_public_key: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw_public_key).hexdigest()


def normal_fingerprint(text: str) -> str:
    """A fingerprint as IT may type it, in one form: case and a missing prefix don't matter."""
    return text.strip().lower().removeprefix("sha256:")


def same_fingerprint(a: str, b: str) -> bool:
    return normal_fingerprint(a) == normal_fingerprint(b)


Pinned = str | Sequence[str]  # one fingerprint, or several (the current key and the next)


def pinned_list(pinned: Pinned) -> tuple[str, ...]:
    return (pinned,) if isinstance(pinned, str) else tuple(pinned)


def is_pinned(fingerprint_: str, pinned: Pinned) -> bool:
    return any(same_fingerprint(fingerprint_, one) for one in pinned_list(pinned))


def envelope_fields(envelope: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """An envelope's fields (its "key" names the key it is sealed to); SealingError when it is
    not a kiosk-sealed-v1 envelope."""
    try:
        fields = json.loads(envelope) if isinstance(envelope, bytes | str) else envelope
    except (ValueError, UnicodeDecodeError):
        raise SealingError("the envelope is not JSON") from None
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise SealingError(f"the envelope is not in the {FORMAT} format")
    return fields


@dataclass(frozen=True)
class SealingKey:
    """A destination's public key, checked against the fingerprint pinned for it."""

    raw: bytes

    @classmethod
    def from_text(cls, text: str, pinned: Pinned | None = None) -> SealingKey:
        raw = _unb64(text.strip(), "the public key")
        if len(raw) != 32:
            raise SealingError("the public key should be 32 bytes (an X25519 key) "
                               f"but is {len(raw)}")
        key = cls(raw)
        if pinned is not None and not is_pinned(key.fingerprint, pinned):
            listed = pinned_list(pinned)
            which = f"the pinned one ({listed[0]})" if len(listed) == 1 else \
                f"any of the pinned ones ({', '.join(listed)})"
            raise SealingError(f"the public key's fingerprint {key.fingerprint} is not {which}: "
                               "refusing to seal to it")
        return key

    @property
    def text(self) -> str:
        return _b64(self.raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def seal(self, payload: bytes, instance_id: str) -> bytes:
        """The envelope (JSON bytes) that only the private key's holder can open."""
        content_key = AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        bound = instance_id.encode()
        ciphertext = AESGCM(content_key).encrypt(nonce, payload, bound)
        wrapped = _SUITE.encrypt(content_key, X25519PublicKey.from_public_bytes(self.raw),
                                 info=FORMAT.encode() + b"|" + bound)
        return json.dumps({
            "format": FORMAT, "key": self.fingerprint, "instance_id": instance_id,
            "wrapped_key": _b64(wrapped), "nonce": _b64(nonce), "ciphertext": _b64(ciphertext),
        }, separators=(",", ":")).encode()


class OpeningKey:
    """The private half, held by the central service only."""

    def __init__(self, private_key: X25519PrivateKey):
        self._private = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                    serialization.PublicFormat.Raw)
        self.public = SealingKey(raw)

    @classmethod
    def generate(cls) -> OpeningKey:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> OpeningKey:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as error:
            raise SealingError(f"the private key cannot be read ({error})") from None
        if not isinstance(key, X25519PrivateKey):
            raise SealingError("the private key is not an X25519 key")
        return cls(key)

    def to_pem(self) -> bytes:
        return self._private.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())

    def open(self, envelope: bytes | str | dict[str, Any], instance_id: str) -> bytes:
        """The payload; SealingError when the envelope is not for this key or this instance."""
        fields = envelope_fields(envelope)
        if not same_fingerprint(str(fields.get("key", "")), self.public.fingerprint):
            raise SealingError(f"the envelope was sealed to another key ({fields.get('key')})")
        if fields.get("instance_id") != instance_id:
            raise SealingError("the envelope belongs to another submission")
        bound = instance_id.encode()
        try:
            content_key = _SUITE.decrypt(_unb64(fields.get("wrapped_key"), "the wrapped key"),
                                         self._private, info=FORMAT.encode() + b"|" + bound)
            return AESGCM(content_key).decrypt(_unb64(fields.get("nonce"), "the nonce"),
                                               _unb64(fields.get("ciphertext"), "the ciphertext"),
                                               bound)
        except (InvalidTag, ValueError):
            raise SealingError("the envelope does not open: it was altered or sealed to "
                               "another key") from None
