"""Submits made-up visits in a loop, printing each reference once it is committed.

Run by test_crash.py, which kills it with SIGKILL at random moments."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.store import Store  # noqa: E402
from tests.kiosk.store_helpers import fake_submission  # noqa: E402


def main() -> None:
    store = Store(Path(sys.argv[1]), site_id="CRASH")
    number = 0
    while True:
        number += 1
        submission = fake_submission(number)
        reference = store.outbox.submit(submission)
        # Written only after submit() returned, that is after the commit; one write call, so
        # a kill cannot leave half a line (print() writes its parts separately when unbuffered).
        sys.stdout.write(f"{reference} {submission['instance_id']} {number}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
