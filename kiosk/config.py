"""The kiosk's one configuration file (TOML), with a default for every key.

Found at --config, else $KIOSK_CONFIG, else kiosk.toml in the platform's config folder; no
file at all is fine. Any top-level key can be overridden by KIOSK_<KEY> (KIOSK_DATA_DIR=...).
Unknown keys and wrong types are reported by name: a typo must not be silently ignored.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from .paths import sample_forms_dir

if TYPE_CHECKING:
    from .forms.catalogue import Catalogue
    from .store import Store
    from .store.sealers import Sealer

APP = "kiosk"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback  # 127.0.0.1.example.org is not
    except ValueError:
        return False


# Keys that belong to one type of destination only, and why, for the message when they are
# given to the other; and the keys the REST contract cannot do without.
_ONLY_FOR = {
    "device_id": ("rest", ""),
    "token": ("rest", ": an ODK Central app user's token is part of the url "
                      "(https://host/v1/key/TOKEN/projects/N)"),
    "key_fingerprint": ("rest", ": an openrosa destination seals to the public key each form "
                                "carries (settings.public_key)"),
    "public_key": ("rest", ": an openrosa destination seals to the public key each form "
                           "carries (settings.public_key)"),
    "username": ("openrosa", ""), "password": ("openrosa", ""), "auth": ("openrosa", ""),
    "max_batch": ("rest", ": OpenRosa takes one submission a request"),
    "receipt_key": ("rest", ": an OpenRosa server does not sign its receipts"),
}
_REST_NEEDS = ("token", "key_fingerprint")


class Destination(BaseModel):
    """Where a form's submissions go: `[destinations.NAME]` in the file."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["rest", "openrosa"] = Field(
        "rest", description="rest (the reference contract) or openrosa (ODK Central, KoboToolbox)")
    url: str = Field(description="the central service's address, https://...; for openrosa the "
                                 "server's OpenRosa base, without /submission")
    device_id: str | None = Field(None, description="this kiosk's id there (default: site_id)")
    token: str | None = Field(None, description="rest: the device token `kiosk central init` printed")
    key_fingerprint: str | list[str] | None = Field(
        None, description="rest: the pinned fingerprint of the sealing key, or a list of them "
                          "(the current key and the next, before the central rotates its key)")
    public_key: str | None = Field(
        None, description="rest: the sealing key (base64); fetched from the service when absent")
    receipt_key: str | None = Field(
        None, description="rest: the service's receipt key, ed25519:..., as `kiosk central "
                          "init` prints it; a receipt it did not sign is not a delivery. "
                          "Absent: the key is learnt from the service at first contact")
    username: str | None = Field(None, description="openrosa: the account, when the url holds no token")
    password: str | None = Field(None, description="openrosa: its password")
    auth: Literal["basic", "digest", "auto"] = Field(
        "auto", description="openrosa: basic (sent with every request; ODK Central), digest, or "
                            "auto (whichever the server's challenge asks for)")
    allow_http: bool = Field(False, description="allow plain http to a non-loopback address")
    ca_file: Path | None = Field(None, description="a CA bundle for a private certificate authority")
    proxy: str | None = Field(None, description="an HTTP proxy, http://host:port (none by default)")
    connect_timeout_seconds: float = Field(5, gt=0, le=120)
    timeout_seconds: float = Field(20, gt=0, le=600, description="for each request's answer")
    request_deadline_seconds: float = Field(
        60, gt=0, le=3600, description="the most one request may take, from connecting to the "
                                       "answer's last byte (a trickling answer is cut off)")
    max_response_bytes: int = Field(
        16_000_000, ge=65_536, le=1_000_000_000,
        description="the largest answer read; a larger one is a failed request, never kept")
    max_batch: int = Field(
        50, ge=1, le=100,
        description="rest: the most submissions sent in one request, when the service takes "
                    "batches (it says so); 1 sends one a request")
    retry_first_seconds: float = Field(30, gt=0, le=3600, description="the first retry's delay")
    retry_max_seconds: float = Field(1800, gt=0, le=86400, description="the longest delay")

    @model_validator(mode="wrap")
    @classmethod
    def _keys_of_its_type(cls, data: Any,
                          handler: ModelWrapValidatorHandler[Destination]) -> Destination:
        """A key of the other type, or a missing one this type needs, is named like any other
        unknown or missing key ('destinations.odk.token': ...)."""
        problems: list[InitErrorDetails] = []
        if isinstance(data, dict) and data.get("type", "rest") in ("rest", "openrosa"):
            kind = data.get("type", "rest")
            for key in data:
                wanted, why = _ONLY_FOR.get(key, (kind, ""))
                if wanted != kind:
                    problems.append({"type": PydanticCustomError(
                        "other_type", "only for type = \"{wanted}\"{why}",
                        {"wanted": wanted, "why": why}), "loc": (key,), "input": data[key]})
            if kind == "rest":
                problems += [{"type": "missing", "loc": (key,), "input": data}
                             for key in _REST_NEEDS if key not in data]
        try:
            destination = handler(data)
        except ValidationError as invalid:
            raise ValidationError.from_exception_data(
                invalid.title, [*map(_raised_again, invalid.errors()), *problems]) from None
        if problems:
            raise ValidationError.from_exception_data(cls.__name__, problems)
        return destination

    @property
    def credentials(self) -> tuple[str, str] | None:
        """openrosa: (username, password), which go together; None when the url holds a token."""
        if self.username is None or self.password is None:
            return None
        return self.username, self.password

    @property
    def shown_url(self) -> str:
        """The url as staff may see it: an ODK Central app user's token is a password."""
        parts = self.url.split("/")
        if "key" in parts[3:-1]:
            at = parts.index("key", 3) + 1
            parts[at] = "…"
        return "/".join(parts)

    @model_validator(mode="after")
    def _checked(self) -> Destination:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be like https://central.example.org (it is '{self.url}')")
        if parts.query or parts.fragment:
            raise ValueError("url must not have a query (?...) or a fragment (#...)")
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            raise ValueError(f"url has a port that is not a number ('{self.url}')") from None
        scheme = parts.scheme
        # A token pasted with a newline or an invisible character would fail on every request
        # as "could not be reached": name it here instead.
        if self.type == "rest" and (
                not self.token or not all("!" <= ch <= "~" for ch in self.token)):
            raise ValueError("token must be the printed token exactly: letters, digits and "
                             "punctuation, with no spaces, line breaks or invisible characters")
        if self.type == "openrosa":
            self._check_openrosa(parts.path)
        if self.ca_file is not None and not self.ca_file.is_file():
            raise ValueError(f"ca_file {self.ca_file} does not exist (or is not a file)")
        if self.proxy is not None and urlsplit(self.proxy).scheme not in ("http", "https"):
            raise ValueError("proxy must be like http://proxy.example.org:3128")
        if scheme == "http" and not self.allow_http and not is_loopback(self.url):
            raise ValueError("plain http is allowed only to this machine (loopback); use https, "
                             "or set allow_http = true if IT accepts unencrypted transport")
        if self.key_fingerprint is not None and not [
                one for one in ([self.key_fingerprint] if isinstance(self.key_fingerprint, str)
                                else self.key_fingerprint) if one.strip()]:
            raise ValueError("key_fingerprint must name at least one fingerprint, sha256:...")
        if self.public_key is not None and self.key_fingerprint is not None:
            from .sealing import SealingError, SealingKey

            try:
                SealingKey.from_text(self.public_key, self.key_fingerprint)
            except SealingError as error:
                raise ValueError(str(error)) from None
        if self.receipt_key is not None:
            from .signed_receipts import ReceiptKey, ReceiptKeyError

            try:
                ReceiptKey.from_text(self.receipt_key)
            except ReceiptKeyError as error:
                raise ValueError(str(error)) from None
        return self

    def _check_openrosa(self, path: str) -> None:
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if last in ("submission", "formList"):
            raise ValueError(f"url must be the server's OpenRosa base, without /{last} at the end "
                             "(the kiosk adds it)")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together: give both, or neither (an "
                             "ODK Central app user's url needs neither)")
        for key in ("username", "password"):
            value = getattr(self, key)
            if value is not None and (not value or any(ch in value for ch in "\r\n")):
                raise ValueError(f"{key} must not be empty or hold a line break")


class Updates(BaseModel):
    """`[updates]`: software updates the central service offers (kiosk/updates/)."""

    model_config = ConfigDict(extra="forbid")

    public_key: str | None = Field(
        None, description="the release key, ed25519:..., pinned at install (`kiosk update "
                          "keygen` printed it); an update is installed only when this key "
                          "signed it. Absent: offers are ignored")
    max_package_bytes: int = Field(
        500_000_000, ge=1_000_000, le=4_000_000_000,
        description="the largest package downloaded; a larger offer is refused")

    @field_validator("public_key")
    @classmethod
    def _a_release_key(cls, text: str | None) -> str | None:
        if text is None:
            return None
        from .updates.signing import ReleaseKey, UpdateRejected

        try:
            return ReleaseKey.from_text(text.strip()).text
        except UpdateRejected as wrong:
            raise ValueError(str(wrong)) from None


def _raised_again(error: ErrorDetails) -> InitErrorDetails:
    """An error pydantic reported, to raise again beside the checks of its own."""
    again: InitErrorDetails = {"type": error["type"], "loc": error["loc"], "input": error["input"]}
    if "ctx" in error:
        again["ctx"] = error["ctx"]
    return again


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("receipt_status_url", mode="before")
    @classmethod
    def _receipt_url(cls, url: object) -> str | None:
        if url is None or (isinstance(url, str) and not url.strip()):
            return None  # blank (KIOSK_RECEIPT_STATUS_URL=) switches it off
        text = str(url).strip()
        if "{reference}" not in text or urlsplit(text).scheme not in ("http", "https"):
            raise ValueError("must be an http(s):// address with {reference} where the "
                             "reference number goes")
        return text

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
    destinations: dict[str, Destination] = Field(
        default_factory=dict, description="[destinations.NAME] tables; forms name theirs")
    site_name: str = Field("", description="the place, as printed on receipts (default: site_id)")
    receipt_layout: Literal["a4", "roll80"] = Field(
        "a4", description="a4, or roll80 for an 80 mm thermal receipt printer")
    printer: str = Field("", description="the printer's name; empty: the system's default; "
                                         "'none': never print (the QR is shown on screen)")
    receipt_status_url: str | None = Field(
        None, description="where a citizen checks progress, with {reference}; in the QR code")
    sync_interval_seconds: float = Field(30, ge=1, le=3600, description="how often to look for work")
    sync_round_budget_seconds: float = Field(
        300, ge=1, le=86400, description="a round starts no request after this long; what was "
                                         "not tried waits for the next round")
    heartbeat_minutes: float = Field(5, gt=0, le=1440, description="how often to report to central")
    forms_pull_minutes: float = Field(15, gt=0, le=1440,
                                      description="how often to ask central for new form versions")
    updates: Updates = Field(default_factory=Updates,
                             description="[updates]: the release key updates must be signed with")
    source: Path | None = Field(None, exclude=True)  # the file it was read from, if any

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def updates_dir(self) -> Path:
        """Where a downloaded update waits, verified, to be installed between visits."""
        return self.data_dir / "updates"

    @property
    def central_forms_dir(self) -> Path:
        """Form versions pulled from the central service (sync/forms_pull.py)."""
        return self.data_dir / "central-forms"

    def load_catalogue(self) -> Catalogue:
        from .forms.catalogue import load_catalogue

        return load_catalogue(self.forms_dir, self.central_forms_dir)

    def open_store(self, set_aside_damage: bool = True,
                   sealers: Mapping[str, Sealer] | None = None) -> Store:
        """The store this configuration describes, with configuration changes audited.
        `sealers`: what seals submissions for the destinations that need more than a key
        (sync/sealers.py makes them; kiosk/ never imports sync/)."""
        from .store import Store  # here, so reading a config never needs the store

        store = Store.from_config(self, set_aside_damage=set_aside_damage, sealers=sealers)
        store.settings.note_config(self.model_dump(mode="json"), str(self.source) if self.source else None)
        return store


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "kiosk.toml"


def load_config(path: str | Path | None = None,
                environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    chosen = path or environ.get("KIOSK_CONFIG")
    file = Path(chosen) if chosen else default_config_path()
    values: dict[str, Any] = {}
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
        for problem in invalid.errors():
            key = ".".join(map(str, problem["loc"]))
            where = f"KIOSK_{key.upper()} (environment)" if key in from_environment else f"{file}: '{key}'"
            message = "unknown key" if problem["type"] == "extra_forbidden" else problem["msg"]
            problems.append(f"{where}: {message.removeprefix('Value error, ')}")
        raise ConfigError("; ".join(problems)) from None
    config.source = file if file.is_file() else None
    return config
