"""One of several kiosk processes started together on a new data folder, round after round.

For each round it says `ready <round>`, waits for the round's go file (so every process opens
the store at the same moment, not one import time after another), opens the store in that
round's new folder as every kiosk command does (Config.open_store: the store, then the
configuration noted in the audit log), keeps a made-up draft sealed with the install key it
got, and says `ok <round>` or `fail <round> <why>`. Run by tests/support/first_start.py."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import Config  # noqa: E402


def one_round(base: Path, number: int, child: int) -> str:
    go = base / f"go-{number}"
    print(f"ready {number}", flush=True)
    while not go.exists():
        time.sleep(0.0005)
    try:
        config = Config.model_validate({"data_dir": str(base / f"round-{number}"),
                                        "site_id": "FIRST"})
        with config.open_store() as store:
            store.drafts.autosave(f"child-{child}", {"form_id": "first_start",  # type: ignore[typeddict-item]
                                                     "form_version": "1", "child": child})
    except Exception as error:  # what a kiosk starting up would have died of
        return f"fail {number} {type(error).__name__}: {' '.join(str(error).split())}"
    return f"ok {number}"


def main() -> None:
    base, rounds, child = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for number in range(rounds):
        print(one_round(base, number, child), flush=True)


if __name__ == "__main__":
    main()
