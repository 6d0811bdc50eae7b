"""When a round should give up on a link, and when a run of the same answer means the address
or the configuration is wrong: what the worker (sync/worker.py) counts as it sends.

A link that is down fails every request, so a round stops after DOWN_AFTER failures in a row
(the probe's included): a down link costs at most that many requests per round. A link that is
up but flaky fails often too, yet delivers between its failures; stopping at the first failure
(or re-probing through the same link, which fails as often) left most of the queue behind. So
once the link has answered in this round, the round stops only at a run of failures that would
be unlikely (under GIVE_UP_CHANCE) at the rate the link has shown so far, capped at
MOST_IN_A_ROW.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .transport import Retry

DOWN_AFTER = 3  # failures in a row before anything answered: the link is down
MOST_IN_A_ROW = 12  # however flaky the link has been, this many in a row ends the round
GIVE_UP_CHANCE = 0.001  # a run of failures this unlikely at the link's own rate: it went down
TRIES_PER_ROUND = 6  # a submission the link lost is tried again this often in the same round
WAVE = 3  # the same wrong-address answer this many times in a row: pause for IT
GATEWAY_TROUBLE = {502, 503, 504}  # something on the way failed, not the service itself


def lost_on_the_way(outcome: Retry) -> bool:
    """A request the link lost (no answer; an answer cut short, which reads as a 2xx without
    the service's receipt; a gateway's 502/503/504) and nobody asked us to wait: worth another
    try in the same round. A service's own 500 or a Retry-After waits for a later round."""
    return outcome.after_seconds is None and (
        outcome.link_down or outcome.status in GATEWAY_TROUBLE
        or (outcome.status is not None and 200 <= outcome.status < 300))


class LinkWatch:
    """Counts one round's requests to one destination: answered, or lost on the way."""

    def __init__(self) -> None:
        self.answered_count = 0
        self.requests = 0
        self.in_a_row = 0  # failures since the last answer

    def answered(self) -> None:
        self.requests += 1
        self.answered_count += 1
        self.in_a_row = 0

    def failed(self) -> None:
        self.requests += 1
        self.in_a_row += 1

    @property
    def tolerated(self) -> int:
        """How many failures in a row this round still puts down to a flaky link."""
        if not self.answered_count:
            return DOWN_AFTER
        # The rate seen before this run of failures, smoothed so a few answers are not taken
        # for a perfect link: (answers + 1) / (requests + 2).
        before = self.requests - self.in_a_row
        rate = (self.answered_count + 1) / (before + 2)
        needed = math.ceil(math.log(GIVE_UP_CHANCE) / math.log(1 - rate))
        return max(DOWN_AFTER, min(MOST_IN_A_ROW, needed))

    @property
    def down(self) -> bool:
        return self.in_a_row >= self.tolerated


class Wave:
    """The same answer meaning "wrong address or configuration" (a 404 to every POST, a TLS
    certificate for another name) WAVE times in a row, with nothing delivered in between."""

    def __init__(self) -> None:
        self.answer = ""
        self.count = 0

    def add(self, answer: str) -> bool:
        """Count one such answer; True when it makes a wave."""
        self.count = self.count + 1 if answer == self.answer else 1
        self.answer = answer
        return self.count >= WAVE

    def clear(self) -> None:
        self.answer, self.count = "", 0
