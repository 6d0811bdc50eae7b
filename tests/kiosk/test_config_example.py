"""build/kiosk.example.toml documents every key, with its default, and loads as it is; and a
mistake anywhere in a configuration (a table too, or the environment) is named."""

import re
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, Destination, Updates, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "build" / "kiosk.example.toml"
LINES = EXAMPLE.read_text(encoding="utf-8").splitlines()


def _documented(key: str) -> tuple[bool, str]:
    """Whether `key = ...` is in the file (set, or commented out), and the comment above it."""
    for number, line in enumerate(LINES):
        if re.match(rf"^(# )?{key} = ", line):
            comment = []
            for above in reversed(LINES[:number]):
                if not above.startswith("#") or re.match(r"^# ?\w+ = ", above):
                    break
                comment.insert(0, above)
            return True, " ".join(comment)
    return False, ""


@pytest.mark.parametrize("key", [name for name in Config.model_fields
                                 if name not in ("source", "destinations", "updates")])
def test_every_key_is_in_the_example_with_its_meaning_and_default(key):
    present, comment = _documented(key)
    assert present, f"{key} is missing from {EXAMPLE.name}"
    assert "Default" in comment, f"{key} has no default written above it"
    assert len(comment) > 40, f"{key} is not explained"


@pytest.mark.parametrize("key", list(Destination.model_fields))
def test_every_destination_key_is_in_the_example_with_its_default(key):
    present, comment = _documented(key)
    assert present, f"destinations: {key} is missing from {EXAMPLE.name}"
    assert "Default" in comment or "required" in comment.lower(), key


@pytest.mark.parametrize("key", list(Updates.model_fields))
def test_every_updates_key_is_in_the_example_with_its_default(key):
    present, comment = _documented(key)
    assert present, f"updates: {key} is missing from {EXAMPLE.name}"
    assert "Default" in comment, key


def test_a_release_key_that_is_not_one_is_refused_by_name(tmp_path):
    file, error = refused_example(
        tmp_path, '# public_key = "ed25519:base64 of the 32-byte Ed25519 public key"',
        'public_key = "ed25519:bm90IGEga2V5"')
    assert f"{file}: 'updates.public_key'" in error
    assert "32 bytes" in error


def test_the_example_loads_as_it_is():
    config = load_config(EXAMPLE, environ={})
    assert config.site_id == "LIB01" and config.receipt_layout == "roll80"
    assert config.destinations["central"].device_id == "lib01-kiosk-1"


def refused_example(tmp_path, line: str, changed: str) -> tuple[str, str]:
    """(the file, the error) for the example with one line changed, which must be refused."""
    assert line in EXAMPLE.read_text(encoding="utf-8")
    file = tmp_path / "kiosk.toml"
    file.write_text(EXAMPLE.read_text(encoding="utf-8").replace(line, changed), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(file, environ={})
    return str(file), str(error.value)


def test_a_misspelt_key_inside_a_destination_is_named(tmp_path):
    file, error = refused_example(tmp_path, "timeout_seconds = 20", "timeout_secs = 20")
    assert f"{file}: 'destinations.central.timeout_secs': unknown key" in error


def test_a_wrong_type_inside_a_destination_is_named(tmp_path):
    file, error = refused_example(tmp_path, "retry_max_seconds = 1800",
                                  'retry_max_seconds = "half an hour"')
    assert "'destinations.central.retry_max_seconds'" in error
    assert "number" in error


def test_a_wrong_type_from_the_environment_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(EXAMPLE, environ={"KIOSK_IDLE_SECONDS": "a minute and a half"})
    assert "KIOSK_IDLE_SECONDS (environment)" in str(error.value)
    assert "'idle_seconds'" not in str(error.value)
