"""Failures of the central service a person can fix, each one sentence naming what to do."""

from __future__ import annotations

from pathlib import Path


class CentralError(Exception):
    """The central service cannot do what was asked; the message says why.

    `exit_code` is what the command line exits with: 2 for a data folder that was never set up
    (a usage mistake), 1 for everything else.
    """

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def not_initialised(data_dir: Path | str) -> CentralError:
    return CentralError(f"{data_dir} is not a central service data folder (it has no "
                        f"central.key); run `kiosk central init --data-dir {data_dir} --url URL` "
                        "first.", exit_code=2)
