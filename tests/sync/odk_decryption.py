"""Opening an ODK-encrypted submission with the form's private key, written from the ODK XForms
specification's encryption section (not from the kiosk's code), the way a server or ODK
Briefcase does it. The RSA step is done by hand (RFC 8017 OAEP decoding with SHA-256 for both
the label hash and MGF1), as ODK Central's own decryptor does, so a client that used SHA-1 for
MGF1 (Java's default provider) would fail here just as it would fail there."""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET

from cryptography.hazmat.decrepit.ciphers.modes import CFB  # old, as the spec needs
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.padding import PKCS7

SUBMISSIONS = "http://opendatakit.org/submissions"
ORX = "http://openrosa.org/xforms"
NS = {"s": SUBMISSIONS, "orx": ORX}


class Undecryptable(Exception):
    pass


def _mgf1_sha256(seed: bytes, length: int) -> bytes:
    out = b""
    for counter in range((length + 31) // 32):
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
    return out[:length]


def rsa_oaep_sha256(private_key: RSAPrivateKey, ciphertext: bytes) -> bytes:
    """RSAES-OAEP-DECRYPT (RFC 8017 7.1.2), SHA-256 and MGF1-SHA-256, empty label."""
    numbers = private_key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    k = (n.bit_length() + 7) // 8
    if len(ciphertext) != k:
        raise Undecryptable("the wrapped key is not as long as the RSA modulus")
    encoded = pow(int.from_bytes(ciphertext, "big"), d, n).to_bytes(k, "big")
    masked_seed, masked_db = encoded[1:33], encoded[33:]
    seed = bytes(a ^ b for a, b in zip(masked_seed, _mgf1_sha256(masked_db, 32), strict=True))
    db = bytes(a ^ b for a, b in zip(masked_db, _mgf1_sha256(seed, len(masked_db)), strict=True))
    label_hash, rest = db[:32], db[32:].lstrip(b"\x00")
    if encoded[0] != 0 or label_hash != hashlib.sha256(b"").digest() or rest[:1] != b"\x01":
        raise Undecryptable("OAEP decoding failed (not SHA-256/MGF1-SHA-256, or another key)")
    return rest[1:]


def _md5(data: bytes):
    return hashlib.md5(data, usedforsecurity=False)


def decrypt_submission(private_key: RSAPrivateKey, manifest: bytes, files: dict[str, bytes],
                       check_signature: bool = True) -> tuple[bytes, dict[str, bytes]]:
    """The instance XML and the media files (by their original names), after checking the
    manifest's signature (ODK Briefcase does; ODK Central does not: `check_signature=False`);
    Undecryptable when anything does not add up."""
    root = ET.fromstring(manifest)
    if root.tag != f"{{{SUBMISSIONS}}}data" or root.get("encrypted") != "yes":
        raise Undecryptable("not a submission manifest")
    form_id, version = root.get("id"), root.get("version")
    wrapped = root.findtext("s:base64EncryptedKey", namespaces=NS)
    xml_file = root.findtext("s:encryptedXmlFile", namespaces=NS)
    media = [element.text for element in root.findall("s:media/s:file", NS)]
    signature = root.findtext("s:base64EncryptedElementSignature", namespaces=NS)
    instance_id = root.findtext("orx:meta/orx:instanceID", namespaces=NS)
    if not (form_id and wrapped and xml_file and instance_id):
        raise Undecryptable("the manifest lacks a required element")
    key = rsa_oaep_sha256(private_key, base64.b64decode(wrapped))
    if len(key) != 32:
        raise Undecryptable("the symmetric key is not 256 bits")
    seed = bytearray(_md5(instance_id.encode("utf-8") + key).digest())
    plain: dict[str, bytes] = {}
    for counter, name in enumerate([*media, xml_file]):
        seed[counter % 16] = (seed[counter % 16] + 1) % 256
        decryptor = Cipher(algorithms.AES(key), CFB(bytes(seed))).decryptor()
        padded = decryptor.update(files[name]) + decryptor.finalize()
        unpadder = PKCS7(128).unpadder()
        try:
            plain[name.removesuffix(".enc")] = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise Undecryptable(f"{name} does not decrypt (wrong IV order or key)") from None
    lines = [form_id, *([version] if version else []), wrapped, instance_id]
    lines += [f"{name}::{_md5(data).hexdigest()}" for name, data in plain.items()]
    expected = _md5(("\n".join(lines) + "\n").encode("utf-8")).digest()
    if check_signature and (signature is None or rsa_oaep_sha256(
            private_key, base64.b64decode(signature)) != expected):
        raise Undecryptable("the manifest's signature does not match the files")
    xml = plain.pop(xml_file.removesuffix(".enc"))
    return xml, plain
