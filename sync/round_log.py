"""A sync round in words, for `kiosk sync`'s output and the kiosk's log: counts per destination
and its state, never a submission's reference or contents."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .worker import RoundResult

log = logging.getLogger("sync.rounds")


def describe_round(result: RoundResult) -> list[str]:
    lines = []
    for name, outcome in result.destinations.items():
        counts = f"{outcome.delivered} delivered, {outcome.retried} to retry, {outcome.rejected} rejected"
        lines.append(f"{name}: {counts}" + (f" ({outcome.state}: {outcome.message})"
                                            if outcome.state != "ok" else ""))
    if result.out_of_time:
        lines.append(f"the round's time was up (sync_round_budget_seconds): {result.waiting} "
                     "waiting, for the next round")
    return lines


class RoundLog:
    """Says a round when something was sent or a destination's state changed, not every 30
    seconds; returns the lines it said (empty when nothing new)."""

    def __init__(self) -> None:
        self._said: list[str] = []

    def __call__(self, result: RoundResult) -> list[str]:
        states = [f"{name}:{outcome.state}:{outcome.message}"
                  for name, outcome in result.destinations.items()]
        if not result.delivered and states == self._said:
            return []
        self._said = states
        lines = describe_round(result)
        for line in lines:
            log.info("sync round: %s", line)
        return lines
