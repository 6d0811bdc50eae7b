"""Rows every service's database starts with (idempotent: run after each migrate)."""

from __future__ import annotations

from . import models


def seed(alias: str) -> None:
    models.Counter.objects.using(alias).get_or_create(name="submissions",
                                                      defaults={"value": 0})
