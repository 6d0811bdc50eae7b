"""The `kiosk` command: the touchscreen app and the tools IT staff and form authors use.

Errors a person can fix are one sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: `kiosk run` paints before these load
    from collections.abc import Mapping

    from kiosk.config import Config
    from kiosk.store import Sealer, Store


def _config(args: argparse.Namespace) -> Config:
    from kiosk.config import load_config

    config = load_config(getattr(args, "config", None))
    if getattr(args, "demo", False):  # the helpers of `kiosk run --demo`
        from kiosk.paths import demo_data_dir

        config.data_dir = demo_data_dir()
    return config


def _open_store(config: Config, sealers: Mapping[str, Sealer] | None = None) -> Store:
    store = config.open_store(sealers=sealers)
    for warning in store.warnings:
        _say(warning)
    store.purge()
    return store


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_forms_check(args: argparse.Namespace) -> int:
    from kiosk.forms.catalogue import FORM_SUFFIXES, form_files, load_service
    from kiosk.forms.problems import FormError
    from kiosk.information import Information

    paths: list[Path] = []
    for given in args.paths:
        path = Path(given)
        if path.is_dir():
            paths.extend(form_files(path))
        elif path.suffix in FORM_SUFFIXES or path.exists():
            paths.append(path)
        else:
            _say(f"{path}: the file does not exist")
            return 2
    failed = 0
    for path in paths:
        if path.suffix.lower() in (".xlsx", ".xls"):
            failed += 1
            print(f"{path}: an XLSForm spreadsheet: import it first with "
                  f"`kiosk forms import {path} -o {path.with_suffix('.yaml').name}`")
            continue
        try:
            form = load_service(path)  # a form, or an information service's pages
        except FormError as failure:
            failed += 1
            for problem in failure.problems:
                print(problem)
            continue
        for warning in form.warnings:
            print(warning)
        if isinstance(form, Information):
            print(f"{path}: OK ({form.service_id}, information, version {form.version}, "
                  f"{form.page_count} pages, {', '.join(form.languages)})")
            continue
        print(f"{path}: OK ({form.form_id}, version {form.version}, "
              f"{sum(1 for f in form.fields.values() if f.has_value)} answers, "
              f"{', '.join(form.languages)})")
    total = len(paths)
    print(f"{total} form{'s' if total != 1 else ''} checked, "
          f"{total - failed} fine, {failed} with errors")
    return 1 if failed else 0


def cmd_forms_try(args: argparse.Namespace) -> int:
    from kiosk.forms.loader import load_form
    from kiosk.forms.problems import FormError
    from kiosk.forms.trial import AnswerFileError, read_answer_sets, run_trial

    try:
        form = load_form(args.form)
    except FormError as failure:
        for problem in failure.problems:
            _say(str(problem))
        return 1
    try:
        answer_sets = read_answer_sets(Path(args.answers))
    except AnswerFileError as error:
        _say(str(error))
        return 2
    store = _open_store(_config(args)) if args.submit else None
    failed = False
    for number, answers in enumerate(answer_sets, start=1):
        where = f"answer set {number}" if len(answer_sets) > 1 else "the answers"
        result = run_trial(form, answers, language=args.language)
        if result.errors:
            failed = True
            for message in result.errors:
                _say(f"{where}: {message}")
            continue
        assert result.submission is not None, "a trial without errors reached Send"
        for name in result.unused:
            _say(f"{where}: note: '{name}' was not asked (not relevant, or not a question)")
        if store is not None:
            reference = store.outbox.submit(result.submission, form.definition.settings.destination)
            print(f"{where}: stored as {reference}" if len(answer_sets) > 1 else reference)
            continue
        indent = 2 if len(answer_sets) == 1 else None
        print(json.dumps(result.submission, ensure_ascii=False, indent=indent))
    if store is not None:
        store.close()
    return 1 if failed else 0


def cmd_forms_import(args: argparse.Namespace) -> int:
    from kiosk.forms.xlsform import XLSFormError, import_xlsform

    try:
        imported = import_xlsform(args.file)
    except XLSFormError as failure:  # nothing is written: the result would not load
        for problem in failure.problems:
            _say(f"{args.file}: {problem}")
        return 1
    for warning in imported.warnings:
        _say(f"{args.file}: {warning}")
    if not args.output:
        sys.stdout.write(imported.yaml)
        return 0
    output = Path(args.output)
    partial = output.with_name(f".{output.name}.part")  # never a half-written form file
    try:
        partial.write_text(imported.yaml, encoding="utf-8")
        partial.replace(output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        _say(f"{output}: cannot write the form ({error.strerror})")
        return 1
    form = imported.form
    print(f"{output}: written ({form.form_id}, version {form.version}, "
          f"{', '.join(form.languages)})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.store import StoreError
    from kiosk.store.clock import local_time

    config = _config(args)
    if not config.database_path.exists():
        _say(f"There is no kiosk database at {config.database_path}: the kiosk has not run "
             "with this data folder (check data_dir).")
        return 1
    try:
        # A look only: a damaged database is reported, never set aside from here.
        store = config.open_store(set_aside_damage=False)
    except StoreError as error:
        _say(str(error))
        return 1
    with store:
        status = store.status()
    # A damaged copy set aside and not yet dealt with is never "all clear": what it holds
    # waits for `kiosk salvage`.
    healthy = (status["integrity"] == "ok" and status["audit_chain_ok"]
               and status["audit_anchor_ok"] and not status["damaged_copies"])
    if args.json:
        print(json.dumps({"healthy": healthy, "site_id": config.site_id, **status}, indent=2))
        return 0 if healthy else 1
    counts = status["submissions"]
    rows = [
        ("site", config.site_id),
        ("database", f"{status['database']} ({status['database_bytes'] / 1_000_000:.1f} MB)"),
        ("integrity", status["integrity"]),
        ("audit log", status["audit_chain"]),
        ("audit guard", status["audit_guard"]),
        ("audit anchor", status["audit_anchor"]),
        ("waiting to send", f"{counts['queued'] + counts['sending']}"
                            + (f", oldest from {local_time(status['oldest_waiting'])}"
                               if status["oldest_waiting"] else "")),
        ("delivered", str(counts["delivered"])),
        ("rejected (need staff)", str(counts["rejected"])),
        ("last sync", local_time(status["last_sync"]) if status["last_sync"] else "never"),
        *((f"sending to {name}", f"{state['state']}" + (f": {state['message']}" if state["message"] else ""))
          for name, state in sorted(status["sync"].items())),
        ("saved drafts", str(status["drafts_saved"])),
        *((f"damaged copy {copy['file']}",
           f"{copy['waiting']} not yet delivered, {copy['unreadable']} unreadable, set aside "
           f"{local_time(copy['set_aside_at'])}") for copy in status["damaged_copies"]),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for warning in status["warnings"]:
        print(f"warning: {warning}")
    return 0 if healthy else 1


def cmd_sync(args: argparse.Namespace) -> int:
    import signal
    import threading

    from kiosk.logs import setup_logging
    from sync.round_log import RoundLog
    from sync.sealers import sealers_for
    from sync.worker import SyncWorker

    config = _config(args)
    if not config.destinations:
        _say("No destination is configured: add a [destinations.central] table to the config "
             "(`kiosk central init` prints one).")
        return 2
    from sync.lock import SyncBusy

    setup_logging(config.data_dir)
    store = _open_store(config, sealers_for(config))
    try:
        worker = SyncWorker(store, config)
    except SyncBusy as busy:
        store.close()
        _say(str(busy))
        return 1
    stranded = store.damaged_copies()  # said at every start, until IT deals with them
    for copy in stranded:
        _say(copy.describe())
    try:
        if args.once:  # everything waiting, now, ignoring backoff (as "Send now" does)
            result = worker.run_once(send_all=True)
            for line in RoundLog()(result):  # into the log file as well
                print(line)
            if stranded:  # never "everything has been delivered" while a copy holds some
                _say("Not finished: a damaged copy of the database holds submissions this "
                     "kiosk has not sent.")
                return 1
            if result.waiting or result.rejected_total or result.stopped:
                _say(f"Not finished: {result.waiting} waiting to send, {result.rejected_total} "
                     "rejected (staff must look at those)" + (", and sending is stopped until IT "
                                                              "fixes the config" if result.stopped else "") + ".")
                return 1
            print("Everything has been delivered.")
            return 0
        stop = threading.Event()
        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
        round_log = RoundLog()  # a line when something was sent or changed, not every round

        def report(result) -> None:
            for line in round_log(result):
                print(line, flush=True)

        worker.run_forever(stop, on_round=report)
        return 0
    finally:
        worker.close()
        store.close()


def cmd_salvage(args: argparse.Namespace) -> int:
    from kiosk.store.salvage import damaged_copies

    config = _config(args)
    if not config.database_path.exists() and not damaged_copies(config.database_path):
        _say(f"There is no kiosk database at {config.database_path} (check data_dir).")
        return 1
    # Opened as the kiosk opens it: a damaged live database is set aside first, then salvaged.
    with _open_store(config) as store:
        copies = ([Path(args.file)] if args.file
                  else damaged_copies(store.path))
        if not copies:
            print("There is no damaged copy of the database to salvage.")
            return 0
        for path in copies:
            if not path.is_file():
                _say(f"{path}: there is no such file.")
                return 1
            for line in store.salvage(path).lines():
                print(line)
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from kiosk.receipts import ReceiptError, receipt_content, render_receipt
    from kiosk.store.codes import read_reference, reference_parts

    config = _config(args)
    reference = read_reference(args.reference)  # as printed, however it was typed
    with _open_store(config) as store:
        stored = store.outbox.receipt(reference or args.reference.strip().upper())
    if stored is None:
        why = ""
        if reference is None and reference_parts(args.reference) is not None:
            why = ": its last character does not match the others, so one of them may be mistyped"
        elif reference is None:
            why = ": a reference looks like LIB01-K7QFM-2XD9H"
        _say(f"There is no submission with the reference {args.reference} on this kiosk{why}.")
        return 1
    catalogue = config.load_catalogue()
    form = catalogue.version(stored.form_id, stored.form_version)
    try:
        pdf = render_receipt(receipt_content(stored, form, config),
                             args.layout or config.receipt_layout)
    except ReceiptError as error:
        _say(str(error))
        return 2
    try:
        Path(args.output).write_bytes(pdf)
    except OSError as error:
        _say(f"{args.output} cannot be written: {error.strerror}.")
        return 2
    print(f"{args.output}: the receipt for {stored.reference} ({len(pdf) // 1024} KB)")
    return 0


def cmd_helper_set_pin(args: argparse.Namespace) -> int:
    import getpass

    from kiosk.store import StoreError

    store = _open_store(_config(args))
    with store:
        name = args.name or input("Helper's name (as colleagues know them): ").strip()
        # Asked twice, never echoed: a PIN typed wrong once would lock its helper out.
        first = getpass.getpass("New PIN (6 to 12 digits): ")
        second = getpass.getpass("The same PIN again: ")
        if first != second:
            _say("The two PINs are not the same; nothing was changed.")
            return 1
        try:
            added = store.staff.set_helper_pin(name, first)
        except StoreError as error:
            _say(f"{error} Nothing was changed.")
            return 1
    print(f"{'Added' if added else 'Changed the PIN of'} helper {name}.")
    return 0


def cmd_helper_list(args: argparse.Namespace) -> int:
    from kiosk.store.clock import local_time

    with _open_store(_config(args)) as store:
        names = store.staff.helper_names()
        lock = store.staff.unlock_state()
    for name in names:
        print(name)
    if not names:
        _say("No helpers yet: add one with `kiosk helper set-pin"
             + (" --demo`." if args.demo else "`."))
    if lock.locked_until:
        _say(f"The PIN pad is locked until {local_time(lock.locked_until)} after wrong PINs.")
    return 0


def cmd_helper_remove(args: argparse.Namespace) -> int:
    with _open_store(_config(args)) as store:
        removed = store.staff.remove_helper(args.name)
    if not removed:
        _say(f"There is no helper called {args.name!r}.")
        return 1
    print(f"Removed helper {args.name}: their PIN no longer unlocks this kiosk.")
    return 0


def cmd_helper_reset_lock(args: argparse.Namespace) -> int:
    with _open_store(_config(args)) as store:
        store.staff.reset_unlock_lock()
    print("The PIN pad's lock after wrong PINs is cleared.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ui.app import has_display, run_app  # Qt is imported only for the app itself

    if not has_display():
        _say("No display found: start the kiosk on a machine with a screen, or for testing "
             "under xvfb-run (or with QT_QPA_PLATFORM=offscreen to run it invisibly).")
        return 2
    return run_app(args.config, windowed=args.windowed, language=args.language, demo=args.demo,
                   forms=args.forms, quit_after=args.quit_after,
                   report_paint=args.report_first_paint)


def cmd_doctor(args: argparse.Namespace) -> int:
    from ui.doctor import run_doctor  # Qt is imported only here

    return run_doctor(args.config, as_json=args.json)


def cmd_self_test(args: argparse.Namespace) -> int:
    from ui.selftest import run_self_test  # Qt is imported only here

    return run_self_test()


class _Version(argparse.Action):
    """`kiosk --version`: the version (and a bundle's build), read only when asked."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from kiosk.version import describe

        print(describe())
        parser.exit()


def build_parser(only_run: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Public-service touchscreen kiosk.")
    parser.add_argument("--version", action=_Version)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="the configuration file (default: $KIOSK_CONFIG, "
                                         "then kiosk.toml in the platform's config folder)")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", parents=[common], help="start the touchscreen app (the default)")
    run.add_argument("--windowed", action="store_true", help="a normal window, for development")
    run.add_argument("--forms", help="folder of form files (default: the sample forms)")
    run.add_argument("--language", help="start in this language (en, fr, es, ar)")
    run.add_argument("--demo", action="store_true",
                     help="the sample forms and a throwaway data folder")
    run.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)
    run.add_argument("--report-first-paint", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)
    if only_run:
        return parser

    forms = commands.add_parser("forms", help="check, try and import form files")
    form_commands = forms.add_subparsers(dest="forms_command", required=True)
    check = form_commands.add_parser("check", help="report every problem in form files")
    check.add_argument("paths", nargs="+", help="form files or folders")
    check.set_defaults(handler=cmd_forms_check)
    trial = form_commands.add_parser("try", parents=[common], help="run answers through a form, headless")
    trial.add_argument("form", help="the form file")
    trial.add_argument("--answers", required=True, help="JSON object or JSON Lines of answers")
    trial.add_argument("--language", help="the visit's language (default: the form's)")
    trial.add_argument("--submit", action="store_true", help="store each as a real submission")
    trial.set_defaults(handler=cmd_forms_try)
    importing = form_commands.add_parser("import", help="turn an XLSForm into a form file")
    importing.add_argument("file", help="the XLSForm (.xlsx or .xls)")
    importing.add_argument("-o", "--output", help="the form file to write (default: stdout)")
    importing.set_defaults(handler=cmd_forms_import)

    self_test = commands.add_parser(
        "self-test", help="one complete visit through the real screens, offscreen")
    self_test.set_defaults(handler=cmd_self_test)

    doctor = commands.add_parser(
        "doctor", parents=[common],
        help="check this kiosk: configuration, data, forms, fonts, printer, speech, display, "
             "central service, clock; exit 1 on a FAIL")
    doctor.add_argument("--json", action="store_true", help="machine-readable")
    doctor.set_defaults(handler=cmd_doctor)

    sync = commands.add_parser("sync", parents=[common],
                               help="send waiting submissions to the central service")
    sync.add_argument("--once", action="store_true",
                      help="try everything waiting now (ignoring backoff) and exit; exit 1 if "
                           "anything is left or rejected")
    sync.set_defaults(handler=cmd_sync)

    salvage = commands.add_parser(
        "salvage", parents=[common],
        help="put the submissions of a damaged copy of the database (kiosk.db.damaged-*) back "
             "in the queue, each once, and rename the copy kiosk.db.salvaged-*")
    salvage.add_argument("file", nargs="?",
                         help="one damaged copy (default: every one in the data folder)")
    salvage.set_defaults(handler=cmd_salvage)

    receipt = commands.add_parser("receipt", parents=[common],
                                  help="a submission's receipt as a PDF file, for staff and IT")
    receipt.add_argument("reference", help="the reference number, e.g. LIB01-K7QFM-2XD9H")
    receipt.add_argument("-o", "--output", required=True, help="the PDF file to write")
    receipt.add_argument("--layout", choices=("a4", "roll80"),
                         help="the paper (default: receipt_layout in the config)")
    receipt.set_defaults(handler=cmd_receipt)

    helper = commands.add_parser("helper", help="the staff who may unlock helper mode")
    helper_commands = helper.add_subparsers(dest="helper_command", required=True)
    helper_common = argparse.ArgumentParser(add_help=False, parents=[common])
    helper_common.add_argument("--demo", action="store_true",
                               help="the helpers of `kiosk run --demo` (its own data folder)")
    set_pin = helper_commands.add_parser("set-pin", parents=[helper_common],
                                         help="add a helper, or change a helper's PIN")
    set_pin.add_argument("--name", help="the helper's name (asked when not given)")
    set_pin.set_defaults(handler=cmd_helper_set_pin)
    listing = helper_commands.add_parser("list", parents=[helper_common],
                                         help="the helpers' names")
    listing.set_defaults(handler=cmd_helper_list)
    remove = helper_commands.add_parser("remove", parents=[helper_common], help="remove a helper")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_helper_remove)
    reset = helper_commands.add_parser("reset-lock", parents=[helper_common],
                                       help="clear the PIN pad's lock after wrong PINs")
    reset.set_defaults(handler=cmd_helper_reset_lock)

    from sync.central.cli import add_central_commands

    add_central_commands(commands)
    from .update_commands import add_update_commands

    add_update_commands(commands)

    status = commands.add_parser("status", parents=[common],
                                 help="the queue, the database's health and the audit chain")
    status.add_argument("--json", action="store_true", help="machine-readable")
    status.set_defaults(handler=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["speech-worker"]:  # the speech engine's own process (ui/speech.py)
        from .speech_worker import main as speech_worker

        return speech_worker(argv[1:])
    # `kiosk run` starts a kiosk at every boot: only its own parser is built then (argparse
    # takes about 10 ms over every command's options, before the attract screen paints).
    parser = build_parser(only_run=argv[:1] == ["run"])
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run", *argv])
    try:
        return args.handler(args)
    except Exception as error:  # only the kiosk's own errors become a one-line message
        from kiosk.config import ConfigError
        from kiosk.store import StoreError

        if not isinstance(error, ConfigError | StoreError):
            raise
        _say(str(error))
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
