"""The shape of an information file (`kind: information`), validated with pydantic.

An information service is pages of plain content: headings, paragraphs, lists, contact details
and pictures, or Markdown; every text a string or a map from language code to string, as in
forms. Meaning (every language present, pictures found, topics known) is checked in loader.py.
"""

from __future__ import annotations

import builtins
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..forms.model import LocalText, ServiceId, ServiceSettings, Version, _text_from_scalar

BlockKind = Literal["heading", "text", "list", "numbered", "contact", "image", "markdown"]
BLOCK_KINDS: tuple[BlockKind, ...] = (
    "heading", "text", "list", "numbered", "contact", "image", "markdown")


class Contact(BaseModel):
    """Who to contact: a name and any of phone, email, address, opening hours and a note."""

    model_config = ConfigDict(extra="forbid")

    name: LocalText
    phone: str | None = None
    email: str | None = None
    address: LocalText | None = None
    hours: LocalText | None = None
    note: LocalText | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _phone_as_text(cls, value: Any) -> Any:
        return _text_from_scalar(value)


class Image(BaseModel):
    """A picture beside the forms file (PNG or JPEG), with the words a screen reader says."""

    model_config = ConfigDict(extra="forbid")

    file: str
    alt: LocalText


class Block(BaseModel):
    """One piece of a page: exactly one of its keys, e.g. `- heading: {en: ..., fr: ...}`."""

    model_config = ConfigDict(extra="forbid")

    heading: LocalText | None = None
    text: LocalText | None = None
    # `list` is the author's word; inside this class it hides the builtin, hence builtins.
    list: builtins.list[LocalText] | None = None
    numbered: builtins.list[LocalText] | None = None
    contact: Contact | None = None
    image: Image | None = None
    markdown: LocalText | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        given = [kind for kind in BLOCK_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError("each block has exactly one of: " + ", ".join(BLOCK_KINDS)
                             + (f" (found {', '.join(given)})" if given else ""))
        return self

    @property
    def kind(self) -> BlockKind:
        return next(kind for kind in BLOCK_KINDS if getattr(self, kind) is not None)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: LocalText
    blocks: list[Block] = Field(min_length=1)


class InformationSettings(ServiceSettings):
    """An information service has only the settings every service has."""


class InformationDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["information"]
    service_id: ServiceId
    version: Version
    title: LocalText
    default_language: str
    languages: list[str] = Field(min_length=1)
    settings: InformationSettings = Field(default_factory=InformationSettings)
    pages: list[Page] = Field(min_length=1)
