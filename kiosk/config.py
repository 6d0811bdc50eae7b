"""The kiosk's one configuration file (TOML), with a default for every key.

Found at --config, else $KIOSK_CONFIG, else kiosk.toml in the platform's config folder; no
file at all is fine. Any top-level key can be overridden by KIOSK_<KEY> (KIOSK_DATA_DIR=...).
Unknown keys and wrong types are reported by name: a typo must not be silently ignored.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .paths import sample_forms_dir

APP = "kiosk"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: str = Field("KIOSK", description="this kiosk's site, the first part of references")
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP)),
                           description="where the database, key and logs live")
    forms_dir: Path = Field(default_factory=sample_forms_dir, description="the form files")
    default_language: str = "en"
    draft_expiry_days: int = Field(30, ge=1, le=365, description="saved drafts are purged after")
    delivered_retention_days: int = Field(
        7, ge=0, le=3650, description="delivered payloads are deleted after")
    autosave_grace_minutes: int = Field(
        15, ge=0, le=1440, description="an unsaved autosave left by a crash is kept this long")
    idle_seconds: int = Field(90, ge=10, le=3600,
                              description="inactivity before the 'do you need more time?' warning")
    idle_warning_seconds: int = Field(30, ge=20, le=600,
                                      description="the warning's countdown before the wipe")
    source: Path | None = Field(None, exclude=True)  # the file it was read from, if any

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    def open_store(self, set_aside_damage: bool = True):
        """The store this configuration describes, with configuration changes audited."""
        from .store import Store  # here, so reading a config never needs the store

        store = Store.from_config(self, set_aside_damage=set_aside_damage)
        store.note_config(self.model_dump(mode="json"), str(self.source) if self.source else None)
        return store


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "kiosk.toml"


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    chosen = path or environ.get("KIOSK_CONFIG")
    file = Path(chosen) if chosen else default_config_path()
    values: dict = {}
    if chosen or file.is_file():
        try:
            values = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{file}: the configuration file does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{file}: the configuration file cannot be read ({error})") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{file}: this is not valid TOML ({error})") from None
    known = set(Config.model_fields) - {"source"}
    from_environment = set()
    for key in known:
        override = environ.get(f"KIOSK_{key.upper()}")
        if override is not None:
            values[key] = override
            from_environment.add(key)
    unknown = sorted(set(values) - known)
    if unknown:
        hints = [f"'{key}'" + (f" (did you mean '{close[0]}'?)" if (close := difflib.get_close_matches(
            key, known, n=1)) else "") for key in unknown]
        raise ConfigError(f"{file}: unknown key {', '.join(hints)}")
    try:
        config = Config.model_validate(values)
    except ValidationError as invalid:
        problems = []
        for error in invalid.errors():
            key = ".".join(map(str, error["loc"]))
            where = f"KIOSK_{key.upper()} (environment)" if key in from_environment else f"{file}: '{key}'"
            problems.append(f"{where}: {error['msg']}")
        raise ConfigError("; ".join(problems)) from None
    config.source = file if file.is_file() else None
    return config
