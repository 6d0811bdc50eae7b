"""What the OpenRosa tests share: a made-up form (groups, a repeat with signatures, every kind
of answer), its answers run through a real Session, an RSA key pair for ODK encryption, and
a kiosk configured to send to an OpenRosa server on loopback."""

from __future__ import annotations

import base64
import functools
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyxform.xls2xform import convert

from kiosk.config import Config, load_config
from kiosk.forms.loader import load_form
from kiosk.forms.trial import run_trial
from kiosk.store import Store
from sync.sealers import sealers_for
from sync.worker import SyncWorker
from tests.support.central import TEST_TIMINGS

FORM = """\
form_id: street_report
version: "3"
title: "Report a street problem"
default_language: en
languages: [en]
settings:
  destination: odk
  instance_name: "concat('Report - ', ${location})"
{extra_settings}
survey:
  - type: text
    name: location
    label: "Where is the problem?"
    required: true
  - type: group
    name: details
    label: "Details"
    children:
      - type: select_multiple
        name: problems
        choices: problems
        label: "What is wrong?"
      - type: date
        name: noticed
        label: "When did you notice it?"
      - type: time
        name: noticed_at
        label: "At what time?"
  - type: repeat
    name: witnesses
    label: "Witnesses"
    children:
      - type: text
        name: witness_name
        label: "Their name"
      - type: integer
        name: witness_age
        label: "Their age"
      - type: signature
        name: witness_signature
        label: "Their signature"
  - type: decimal
    name: width
    label: "How wide is it, in metres?"
  - type: calculate
    name: wide
    calculation: "if(${width} > 1, 'yes', 'no')"
  - type: note
    name: thanks
    label: "Thank you"
  - type: acknowledge
    name: consent
    label: "I agree to be contacted"
choices:
  problems:
    - {name: pothole, label: "Pothole"}
    - {name: light, label: "Street light out"}
    - {name: litter, label: "Litter"}
"""



# The kit's form as an XLSForm author would write it, for pyxform.
WORKBOOK = {
    "survey": [
        {"type": "text", "name": "location", "label": "Where is the problem?", "required": "yes"},
        {"type": "begin group", "name": "details", "label": "Details"},
        {"type": "select_multiple problems", "name": "problems", "label": "What is wrong?"},
        {"type": "date", "name": "noticed", "label": "When did you notice it?"},
        {"type": "time", "name": "noticed_at", "label": "At what time?"},
        {"type": "end group"},
        {"type": "begin repeat", "name": "witnesses", "label": "Witnesses"},
        {"type": "text", "name": "witness_name", "label": "Their name"},
        {"type": "integer", "name": "witness_age", "label": "Their age"},
        {"type": "image", "name": "witness_signature", "label": "Their signature",
         "appearance": "signature"},
        {"type": "end repeat"},
        {"type": "decimal", "name": "width", "label": "How wide is it, in metres?"},
        {"type": "calculate", "name": "wide", "calculation": "if(${width} > 1, 'yes', 'no')"},
        {"type": "note", "name": "thanks", "label": "Thank you"},
        {"type": "acknowledge", "name": "consent", "label": "I agree to be contacted"},
    ],
    "choices": [{"list_name": "problems", "name": n, "label": n}
                for n in ("pothole", "light", "litter")],
    "settings": [{"form_id": "street_report", "version": "3",
                  "instance_name": "concat('Report - ', ${location})"}],
}


@functools.lru_cache(maxsize=32)
def kit_xform(form_id: str = "street_report", version: str = "3",
              renamed: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The XForm pyxform makes of the kit's form as an XLSForm (what ODK Central holds when it
    is published there), with that form id and version; `renamed`: (kiosk name, name on the
    server) pairs, for a server form whose names differ from the kiosk's."""
    names = dict(renamed)
    survey = [{**row, "name": names.get(row.get("name", ""), row.get("name", ""))}
              if "name" in row else row for row in WORKBOOK["survey"]]
    settings = [{**WORKBOOK["settings"][0], "form_id": form_id, "version": version}]
    book = {**WORKBOOK, "survey": survey, "settings": settings}
    return convert(book, form_name="data").xform.encode("utf-8")


def _strokes(start: int) -> str:
    """A made-up signature: a zig-zag of 150 points, as a finger leaves them."""
    return "M10,10 " + " ".join(f"L{10 + n * 3},{start + (n * 7) % 40}" for n in range(150))


# Made-up answers: a test street, test names, nobody real.
ANSWERS = {
    "location": "Test Lane 12 & <corner>",
    "problems": ["pothole", "litter"],
    "noticed": "2026-11-20",
    "noticed_at": "14:30",
    "witnesses": [
        {"witness_name": "Test Person A", "witness_age": 34,
         "witness_signature": _strokes(20)},
        {"witness_name": "Test Person B", "witness_age": 61,
         "witness_signature": _strokes(50) + " M20,20 L25,70"},
    ],
    "width": "1.25",
    "consent": True,
}


def rsa_keys() -> tuple[rsa.RSAPrivateKey, str]:
    """A fresh key pair; the public half as a form's settings.public_key carries it."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(der).decode("ascii")


def write_form(folder: Path, public_key: str | None = None, version: str = "3",
               form_id: str = "street_report", destination: str = "odk") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    extra = f'  public_key: "{public_key}"' if public_key else ""
    text = FORM.replace("{extra_settings}", extra).replace('version: "3"', f'version: "{version}"')
    text = text.replace("form_id: street_report", f"form_id: {form_id}")
    text = text.replace("destination: odk", f"destination: {destination}")
    path = folder / f"{form_id}-{version}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def visit(form_path: Path, **changes) -> dict:
    """A finished visit, as the kiosk's Session makes it."""
    result = run_trial(load_form(form_path), {**ANSWERS, **changes})
    assert result.submission is not None, result.errors
    return result.submission


def openrosa_config(tmp_path: Path, url: str, forms_dir: Path, name: str = "odk",
                    **destination) -> Config:
    """The kiosk's config file as IT would write it for an OpenRosa server."""
    block = {"type": "openrosa", "url": url, **TEST_TIMINGS, **destination}
    lines = ['site_id = "HALL7"', f"data_dir = {json.dumps(str(tmp_path / 'kiosk'))}",
             f"forms_dir = {json.dumps(str(forms_dir))}", "", f"[destinations.{name}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in block.items()]
    file = tmp_path / "kiosk.toml"
    file.write_text("\n".join(lines) + "\n")
    return load_config(file, environ={})


@dataclass
class Kiosk:
    config: Config
    store: Store
    worker: SyncWorker | None  # None: visits stored before sync runs (a store without sealers)
    form: Path
    name: str

    def submit(self, **changes) -> dict:
        submission = visit(self.form, **changes)
        self.store.outbox.submit(submission, self.name)
        return submission

    def restart_with_sealers(self) -> None:
        """The kiosk starts again, now with its sealers, as `kiosk run` builds its store: what
        was stored before waits under the install key until the worker's first round."""
        self.store.close()
        self.store = self.config.open_store(sealers=sealers_for(self.config))

    def outbox(self) -> dict[str, tuple]:
        """instance id -> (state, attempts, next_attempt_at, last_error, server_receipt)"""
        with self.store.reader() as conn:
            return {row[0]: row[1:] for row in conn.execute(
                "SELECT submission_id, state, attempts, next_attempt_at, last_error,"
                " server_receipt FROM outbox")}


@contextmanager
def kiosk(tmp_path: Path, server, *, public_key: str | None = None, name: str = "odk",
          worker: bool = True, **destination) -> Iterator[Kiosk]:
    """A kiosk with the kit's form, a real SQLite store and (unless `worker` is False, for
    visits stored before sync runs) a real SyncWorker sending to `server`."""
    form = write_form(tmp_path / "forms", public_key, destination=name)
    url = destination.pop("url", server.url)
    config = openrosa_config(tmp_path, url, tmp_path / "forms", name=name, **destination)
    store = config.open_store(sealers=sealers_for(config) if worker else None)
    sync = SyncWorker(store, config, rng=random.Random(3)) if worker else None
    made = Kiosk(config, store, sync, form, name)
    try:
        yield made
    finally:
        if made.worker is not None:  # the one a test may have started again in its place
            made.worker.close()
        made.store.close()
