"""What a form (kiosk.forms.form.Form) and an information service (kiosk.information.Information)
both are on the service list: an id, a version, languages, topics, a title and a description,
each read from the checked file."""

from __future__ import annotations

from typing import Protocol

from ..i18n import pick
from .model import LocalText, ServiceSettings


class ServiceDefinition(Protocol):
    """The part of a checked file (FormDefinition, InformationDefinition) every service has."""

    @property
    def version(self) -> str: ...
    @property
    def title(self) -> LocalText: ...
    @property
    def default_language(self) -> str: ...
    @property
    def languages(self) -> list[str]: ...
    @property
    def settings(self) -> ServiceSettings: ...


class Service:
    """The service list's view of a loaded service; a subclass says where its id is."""

    definition: ServiceDefinition

    @property
    def service_id(self) -> str:
        raise NotImplementedError

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def languages(self) -> list[str]:
        return self.definition.languages

    @property
    def default_language(self) -> str:
        return self.definition.default_language

    @property
    def topics(self) -> list[str]:
        return self.definition.settings.topics

    def text(self, value: LocalText | None, language: str) -> str:
        return pick(value, language, self.default_language)

    def title(self, language: str) -> str:
        return self.text(self.definition.title, language)

    def description(self, language: str) -> str:
        """The line under its title in the service list."""
        return self.text(self.definition.settings.description, language)
