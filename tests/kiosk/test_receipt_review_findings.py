"""Review findings on receipts (Qt-free), each kept as a test now that it is fixed."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.receipts import ReceiptContent, qr_payload, render_receipt

CREATED = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)


def _receipt(**changes) -> ReceiptContent:
    fields = {"reference": "HALL7-K7QFM-2XD9H", "service": "Report a problem",
              "created_at": CREATED, "site": "Testville Library", "language": "en",
              "next_steps": "We will contact you.", "answers": (("Name", "Ana"),)}
    return ReceiptContent(**{**fields, **changes})


def _png(pdf: bytes, tmp_path, name: str, dpi: int = 60):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing")
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=60)
    return tmp_path / f"{name}.png"


def test_an_answer_in_chinese_does_not_print_as_a_blank(tmp_path):
    blank = _png(render_receipt(_receipt(answers=(("Name", ""),)), "roll80"), tmp_path, "blank")
    chinese = _png(render_receipt(_receipt(answers=(("Name", "王小明"),)), "roll80"), tmp_path,
                   "chinese")
    same = blank.read_bytes() == chinese.read_bytes()
    assert not same, "the Chinese name left no mark on the paper"


def test_a_status_url_with_accents_scans_back_to_that_address(tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is missing")
    content = _receipt(language="fr",
                       status_url="https://mairie.example/démarches/suivi?réf={reference}")
    png = _png(render_receipt(content, "roll80"), tmp_path, "qr", dpi=203)
    read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                          timeout=30).stdout.decode("utf-8", "replace").strip()
    assert unquote(read) == unquote(qr_payload(content)) == (
        "https://mairie.example/démarches/suivi?réf=HALL7-K7QFM-2XD9H")


def test_an_empty_status_url_from_the_environment_means_no_status_url(tmp_path):
    (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
    config = load_config(tmp_path / "kiosk.toml", environ={"KIOSK_RECEIPT_STATUS_URL": ""})
    assert not config.receipt_status_url


def test_a_bad_status_url_from_the_environment_is_named_where_it_came_from(tmp_path):
    with pytest.raises(ConfigError) as error:
        (tmp_path / "kiosk.toml").write_text("", encoding="utf-8")
        load_config(tmp_path / "kiosk.toml",
                    environ={"KIOSK_RECEIPT_STATUS_URL": "https://council.example/status"})
    message = str(error.value)
    assert "KIOSK_RECEIPT_STATUS_URL" in message, message
    assert "''" not in message, message
