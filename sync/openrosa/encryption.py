"""ODK's encryption of a submission, for forms that carry a public key (XLSForm
settings.public_key), as the ODK XForms specification's encryption section describes it:

- a fresh random AES-256 key for each submission;
- each file encrypted with AES/CFB/PKCS5Padding (CFB-128 with PKCS#7 padding: Java's name for
  it), the attachments first and the XML last; the initialisation vectors come from the MD5 of
  the instance id followed by the AES key, one byte of it incremented before each file;
- the AES key wrapped with RSA/NONE/OAEPWithSHA256AndMGF1Padding, the Bouncy Castle meaning
  of that name: SHA-256 for OAEP *and* for MGF1 (what ODK Collect produces and what ODK Central
  decrypts; Java's own provider would use SHA-1 for MGF1);
- a signature: the MD5 of form id, version, wrapped key, instance id and, per file in the order
  encrypted, "name::md5 of its contents", one per line, encrypted the same way;
- posted as a submission manifest (`<data encrypted="yes">`) in place of the XML, with the
  encrypted XML (`submission.xml.enc`) and the encrypted files as attachments.
The AES key is dropped once the files are encrypted: only the private key's holder (Central's
managed key, or Briefcase with a self-managed one) can read the submission.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from xml.sax.saxutils import escape, quoteattr

from cryptography.hazmat.decrepit.ciphers.modes import CFB  # old, as the spec needs
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asymmetric
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.padding import PKCS7

from .instance import Attachment

SUBMISSIONS_NS = "http://opendatakit.org/submissions"
OPENROSA_NS = "http://openrosa.org/xforms"
XML_FILE = "submission.xml"
OAEP = asymmetric.OAEP(mgf=asymmetric.MGF1(algorithm=hashes.SHA256()),
                       algorithm=hashes.SHA256(), label=None)


def _md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()  # the specification's choice, not ours


def key_fingerprint(key: RSAPublicKey) -> str:
    """What `submissions.sealed_to` records: the SHA-256 of the key's DER encoding."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return "rsa-sha256:" + hashlib.sha256(der).hexdigest()


def encrypt_record(key: RSAPublicKey, form_id: str, version: str | None, instance_id: str,
                   xml: bytes, attachments: list[Attachment]) -> tuple[bytes, list[Attachment]]:
    """The submission manifest (the XML to post) and the encrypted files to post with it."""
    aes_key = secrets.token_bytes(32)
    wrapped = base64.b64encode(key.encrypt(aes_key, OAEP)).decode("ascii")
    seed = bytearray(_md5(instance_id.encode("utf-8") + aes_key))
    originals = [(item.name, item.data) for item in attachments] + [(XML_FILE, xml)]
    encrypted, signed = [], []
    for counter, (name, data) in enumerate(originals):
        seed[counter % 16] = (seed[counter % 16] + 1) % 256
        padder = PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(aes_key), CFB(bytes(seed))).encryptor()
        ciphertext = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
        encrypted.append(Attachment(f"{name}.enc", "application/octet-stream", ciphertext))
        signed.append(f"{name}::{_md5(data).hex()}")
    source = "\n".join([form_id, *([version] if version else []), wrapped, instance_id, *signed])
    digest = _md5((source + "\n").encode("utf-8"))
    signature = base64.b64encode(key.encrypt(digest, OAEP)).decode("ascii")
    del aes_key
    return _manifest(form_id, version, wrapped, encrypted, signature, instance_id), encrypted


def _manifest(form_id: str, version: str | None, wrapped: str, files: list[Attachment],
              signature: str, instance_id: str) -> bytes:
    version_attribute = f" version={quoteattr(version)}" if version else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<data xmlns="{SUBMISSIONS_NS}" encrypted="yes" id={quoteattr(form_id)}'
             f"{version_attribute}>",
             f"<base64EncryptedKey>{wrapped}</base64EncryptedKey>",
             f"<encryptedXmlFile>{XML_FILE}.enc</encryptedXmlFile>",
             # one <media> per file, as Collect and Enketo write it (older servers want that)
             *(f"<media><file>{escape(item.name)}</file></media>" for item in files[:-1]),
             f"<base64EncryptedElementSignature>{signature}</base64EncryptedElementSignature>",
             f'<meta xmlns="{OPENROSA_NS}"><instanceID>{escape(instance_id)}</instanceID></meta>',
             "</data>"]
    return ("\n".join(lines) + "\n").encode("utf-8")
