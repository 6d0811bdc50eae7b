"""python -m tests.bench.fleet --url URL --fleet FILE [options]: play the fleet against a running
central. The fleet file (JSON: the keys and each device's token) is what `--prepare DIR` writes
when it sets up a new data folder for one (then start the central over that folder)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python tests/bench/fleet
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    __package__ = "tests.bench.fleet"

from .simulation import Fleet, Workload, run_fleet, summary  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.fleet", description=__doc__)
    parser.add_argument("--url", help="the central's base URL (http://127.0.0.1:8765)")
    parser.add_argument("--fleet", type=Path, required=True,
                        help="the fleet file: written by --prepare, read otherwise")
    parser.add_argument("--prepare", type=Path, metavar="DIR",
                        help="set up a new central data folder in DIR for the fleet and stop")
    parser.add_argument("--json", type=Path, help="also write the report here")
    defaults = Workload()
    for option in ("kiosks", "seconds", "grace_seconds", "speedup", "replay_share", "seed"):
        kind = type(getattr(defaults, option))
        parser.add_argument(f"--{option.replace('_', '-')}", type=kind,
                            default=getattr(defaults, option))
    parser.add_argument("--cold-start", action="store_true",
                        help="no connection open before the clock starts: all at once")
    args = parser.parse_args(argv)
    if args.prepare:
        from .central import prepare_central

        started = time.perf_counter()
        prepare_central(args.prepare, args.kiosks).save(args.fleet)
        print(f"{args.prepare} set up with {args.kiosks} devices in "
              f"{time.perf_counter() - started:.1f} s; tokens in {args.fleet}")
        return 0
    if not args.url:
        parser.error("--url is needed to play the fleet")
    workload = Workload(**{f.name: getattr(args, f.name) for f in fields(Workload)
                           if hasattr(args, f.name)})
    result = run_fleet(args.url, Fleet.load(args.fleet), workload)
    print(summary(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if result["lost"] == 0 and result["doubled"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
