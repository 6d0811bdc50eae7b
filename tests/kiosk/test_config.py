"""One TOML file, defaults for everything, KIOSK_<KEY> overrides, typos named."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


def test_no_file_at_all_gives_the_defaults(tmp_path):
    config = load_config(environ={}, path=None)
    assert config.site_id == "KIOSK"
    assert config.draft_expiry_days == 30 and config.delivered_retention_days == 7
    assert config.forms_dir.name == "forms"


def test_a_file_and_environment_overrides(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL2"\ndata_dir = "/srv/kiosk"\ndraft_expiry_days = 14\n')
    config = load_config(file, environ={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    assert config.site_id == "HALL2"
    assert config.draft_expiry_days == 14
    assert config.data_dir == tmp_path / "data"
    assert config.database_path == tmp_path / "data" / "kiosk.db"


def test_a_misspelt_key_is_named_with_a_suggestion(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_di = "HALL2"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={})
    assert "unknown key 'site_di' (did you mean 'site_id'?)" in str(error.value)


def test_a_wrong_type_is_named(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('draft_expiry_days = "a month"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={})
    assert "'draft_expiry_days'" in str(error.value)


def test_broken_toml_and_a_missing_file_are_explained(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "unclosed\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(file, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(Path(tmp_path / "nope.toml"), environ={})


def test_a_bad_environment_override_names_the_variable(tmp_path):
    file = tmp_path / "kiosk.toml"
    file.write_text('site_id = "HALL2"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={"KIOSK_IDLE_SECONDS": "ninety"})
    assert "KIOSK_IDLE_SECONDS" in str(error.value)


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
