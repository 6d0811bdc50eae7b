"""The central destination's settings as IT writes them: plain http only to this machine, and a
token with an invisible character or a missing CA file named, never a crash."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError
from tests.support.central import kiosk_config
from tests.sync.secret_visits import secret_visit


def test_plain_http_to_a_name_that_only_starts_with_127_is_refused(tmp_path, central):
    with pytest.raises(ConfigError, match="plain http"):
        kiosk_config(tmp_path, central, url="http://127.0.0.1.nip.io:8765")


@pytest.mark.parametrize("extra", ["\n", "\u200b"], ids=["newline", "zero-width-space"])
def test_a_token_pasted_with_an_invisible_character_is_named(tmp_path, central, extra, sync_worker):
    token = central.init.device_token + extra
    try:
        config = kiosk_config(tmp_path, central, token=token)
    except ConfigError as error:
        assert "token" in str(error)
        return
    with config.open_store() as store:
        store.outbox.submit(secret_visit()[0])
        worker = sync_worker(store, config)
        result = worker.run_once()
    outcome = result.destinations["central"]
    assert outcome.state == "stopped" and "token" in outcome.message, outcome


def test_a_missing_ca_file_is_named_not_a_crash(tmp_path, central, sync_worker):
    try:
        config = kiosk_config(tmp_path, central, url="https://127.0.0.1:9",
                              ca_file=str(tmp_path / "private-ca.pem"))
    except ConfigError as error:
        assert "ca_file" in str(error)
        return
    with config.open_store() as store:
        worker = sync_worker(store, config)
        result = worker.run_once()
    assert result.destinations["central"].state != "ok"
