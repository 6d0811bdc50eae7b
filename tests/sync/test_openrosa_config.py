"""`type = "openrosa"` in the config: what IT writes for ODK Central or KoboToolbox, and the
mistakes that are named before anything is sent."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config

CENTRAL_APP_USER = "https://odk.example.org/v1/key/Ab3$x!Qz9/projects/7"


def _load(tmp_path, block: str):
    file = tmp_path / "kiosk.toml"
    file.write_text("[destinations.odk]\n" + block)
    return load_config(file, environ={})


def test_a_central_app_user_url_is_all_it_takes(tmp_path):
    destination = _load(tmp_path, f'type = "openrosa"\nurl = "{CENTRAL_APP_USER}"\n').destinations["odk"]
    assert destination.type == "openrosa" and destination.key_fingerprint is None
    assert destination.username is None and destination.auth == "auto"
    # what staff may see on the kiosk: the app user's token is a password
    assert "Ab3$x!Qz9" not in destination.shown_url
    assert destination.shown_url == "https://odk.example.org/v1/key/…/projects/7"


def test_a_kobo_account_with_digest(tmp_path):
    destination = _load(tmp_path, 'type = "openrosa"\nurl = "https://kc.example.org/team"\n'
                                  'username = "team"\npassword = "made-up-pass"\n'
                                  'auth = "digest"\n').destinations["odk"]
    assert (destination.username, destination.auth) == ("team", "digest")
    assert destination.shown_url == "https://kc.example.org/team"


@pytest.mark.parametrize(("block", "expected"), [
    ('token = "abc"\n', "'destinations.odk.token': only for type = \"rest\": an ODK Central "
                        "app user's token is part of the url"),
    ('key_fingerprint = "sha256:00"\n', "'destinations.odk.key_fingerprint': only for type = "
                                        "\"rest\": an openrosa destination seals to the public "
                                        "key each form carries"),
    ('auth = "bearer"\nusername = "u"\npassword = "p"\n', "'destinations.odk.auth': Input should "
                                                          "be 'basic', 'digest' or 'auto'"),
    ('max_batch = 20\n', "'destinations.odk.max_batch': only for type = \"rest\": OpenRosa "
                         "takes one submission a request"),
    ('receipt_key = "ed25519:x"\n', "'destinations.odk.receipt_key': only for type = \"rest\": "
                                    "an OpenRosa server does not sign its receipts"),
    ('usrname = "u"\n', "'destinations.odk.usrname': unknown key"),
    ('username = "u"\n', "username and password go together"),
    ('timeout_seconds = "soon"\n', "'destinations.odk.timeout_seconds': Input should be a valid number"),
])
def test_a_wrong_key_is_named(tmp_path, block, expected):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, f'type = "openrosa"\nurl = "{CENTRAL_APP_USER}"\n' + block)
    assert expected in str(error.value)


def test_the_submission_address_itself_is_refused_with_the_reason(tmp_path):
    with pytest.raises(ConfigError, match="without /submission at the end"):
        _load(tmp_path, f'type = "openrosa"\nurl = "{CENTRAL_APP_USER}/submission"\n')


def test_plain_http_beyond_this_machine_needs_allow_http(tmp_path):
    with pytest.raises(ConfigError, match="plain http is allowed only to this machine"):
        _load(tmp_path, 'type = "openrosa"\nurl = "http://kc.example.org"\n')
    assert _load(tmp_path, 'type = "openrosa"\nurl = "http://kc.example.org"\nallow_http = true\n')


def test_the_rest_type_still_needs_its_token_and_pin_and_refuses_openrosa_keys(tmp_path):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, 'url = "https://central.example.org"\nusername = "u"\n')
    message = str(error.value)
    assert "'destinations.odk.token': Field required" in message
    assert "'destinations.odk.key_fingerprint': Field required" in message
    assert "'destinations.odk.username': only for type = \"openrosa\"" in message


def test_staff_see_where_the_kiosk_sends_but_never_the_app_user_token(tmp_path):
    """The helper's settings page shows IT's values read-only: the Central token is a password."""
    from kiosk.config import Config, Destination
    from ui.app import it_settings

    token = "Xy7kQ2mN9pL4vB8wR1tZ5cD3fG6hJ0aS"
    config = Config(site_id="HALL7", destinations={"central": Destination(
        type="openrosa", url=f"https://central.example.org/v1/key/{token}/projects/7")})
    shown = it_settings(config)["sends to central"]
    assert token not in shown
    assert shown == "https://central.example.org/v1/key/…/projects/7"
