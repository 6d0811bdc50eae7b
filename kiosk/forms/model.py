"""The form file's shape, validated with pydantic. Meaning (names, expressions, languages)
is checked afterwards in kiosk.forms.compile, which needs the whole form at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

LocalText = str | dict[str, str]

QUESTION_TYPES = (
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple", "note",
    "calculate", "acknowledge", "phone", "email", "id_number", "signature", "group", "repeat",
)
QuestionType = Literal[
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple", "note",
    "calculate", "acknowledge", "phone", "email", "id_number", "signature", "group", "repeat",
]
CheckDigit = Literal["luhn", "verhoeff", "damm", "mod_11_10", "mod_11_2", "mod_97_10", "none"]
Normaliser = Literal["upper", "lower", "collapse_spaces", "no_spaces"]  # kiosk.forms.limits
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"  # `_` first too: Kobo's __version__


def _text_from_scalar(value: Any) -> Any:
    # YAML reads `version: 3` or `required: yes` as numbers and booleans; keep them as text.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    return value


# What a form and an information service (kiosk/information/model.py) both declare.
# The id the service list knows it by: a form's form_id, an information service's service_id.
ServiceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Version = Annotated[str, BeforeValidator(_text_from_scalar)]


class Choice(BaseModel):
    """One option of a choice list; extra keys are columns a choice_filter can read."""

    model_config = ConfigDict(extra="allow")

    name: str
    label: LocalText

    @field_validator("name", mode="before")
    @classmethod
    def _name_as_text(cls, value: Any) -> Any:
        return _text_from_scalar(value)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: QuestionType
    name: str = Field(pattern=NAME_PATTERN)
    # Its element's name in an XForm instance, when not `name`: a question of an XLSForm loop,
    # which pyxform names alike in each choice's group (the kiosk's names are unique).
    element: str | None = Field(None, pattern=NAME_PATTERN)
    label: LocalText | None = None
    hint: LocalText | None = None
    required: bool | str = False
    required_message: LocalText | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: LocalText | None = None
    calculation: str | None = None
    choice_filter: str | None = None
    appearance: str | None = None
    default: Any = None
    read_only: bool = False
    choices: str | None = None
    children: list[Question] | None = None
    check_digit: CheckDigit | None = None
    receipt: bool = False
    profile: str | None = None  # once only in a visit: kiosk/forms/profile.py
    repeat_count: str | None = None
    add_label: LocalText | None = None
    max_length: int | None = Field(None, ge=1, le=10_000)
    normalise: list[Normaliser] | None = None

    @field_validator("normalise", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        from .limits import steps  # "upper collapse_spaces", as an XLSForm cell has it

        return steps(value) or None

    @field_validator("max_length", mode="before")
    @classmethod
    def _length_as_number(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return value

    @field_validator("repeat_count", mode="before")
    @classmethod
    def _count_as_text(cls, value: Any) -> Any:
        return _text_from_scalar(value)

    @field_validator("required", mode="before")
    @classmethod
    def _required_words(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("yes", "true", "true()"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("no", "false", "false()", ""):
            return False
        return value


class Consultation(BaseModel):
    """The form asks residents a question and counts the answers: `question` names the
    select_one whose answers the central service adds up (never per person)."""

    model_config = ConfigDict(extra="forbid")

    question: str
    # Below this many answers the service shows no counts: one vote must not be seen to move
    # a bar by someone standing beside the voter.
    results_from: int = Field(10, ge=1)


class Payment(BaseModel):
    """The form leads to a payment the kiosk does not take: the confirmation and receipt give
    a payment reference made from the submission's reference, the amount and how to pay."""

    model_config = ConfigDict(extra="forbid")

    amount: str  # the question holding the amount to pay (a number marked receipt: true)
    how_to_pay: LocalText


class ServiceSettings(BaseModel):
    """The settings every service has, a form or an information service: how the service
    list shows it."""

    model_config = ConfigDict(extra="forbid")

    description: LocalText | None = None  # the line under its title
    icon: str | None = None
    topics: list[str] = Field(default_factory=list)  # on the service list's topic buttons


class Settings(ServiceSettings):
    """A form's settings: those of every service, and where and how its submissions go."""

    destination: str = "central"
    instance_name: str | None = None
    # XLSForm's `name` setting: the root element of the XForm instance sent to an OpenRosa
    # server (pyxform's `data` when it is not given).
    instance_root: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9._-]*$")
    next_steps: LocalText | None = None
    submit_label: LocalText | None = None
    public_key: str | None = None  # RSA, base64: an OpenRosa destination encrypts to it (ODK)
    submission_url: str | None = None
    consultation: Consultation | None = None
    payment: Payment | None = None
    currency: str | None = None  # ISO 4217 (GBP): `appearance: money` answers show it
    # XLSForm's setting: one list may have two choices of one name (with a choice_filter,
    # only one shows at a time; the answer is the name, as in ODK).
    allow_choice_duplicates: bool = False

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str | None) -> str | None:
        from babel.numbers import is_currency

        if value is not None and not is_currency(value):
            raise ValueError(f"{value!r} is not an ISO 4217 currency code, like GBP or EUR")
        return value

    @field_validator("public_key")
    @classmethod
    def _rsa_public_key(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from ..sealing import SealingError, odk_public_key

        try:
            odk_public_key(value)
        except SealingError as error:
            raise ValueError(str(error)) from None
        return value.strip()


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form_id: ServiceId
    version: Version
    title: LocalText
    default_language: str
    languages: list[str] = Field(min_length=1)
    settings: Settings = Field(default_factory=Settings)
    survey: list[Question] = Field(min_length=1)
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
