"""The markers `ui`, `slow` and `network`, put on each collected test by what it uses, so that
`make test-fast` (pytest -m "not ui and not slow and not network") runs the Qt-free core alone.

ui: everything under tests/ui and tests/e2e, and any test that uses qtbot.
network: a test that uses a fixture starting a server on loopback, or that starts one of the
loopback servers itself or through a helper function of its own (a test may also mark itself,
for a server in a subprocess).
slow: the tests in SLOW, measured over about 2 s with `pytest --durations=0` on the 2-core
machine the suite runs on; tests/test_markers.py checks that each one still exists.
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path

import pytest

from sync.central.server import CentralServer
from sync.demo import start_demo_central
from tests.support.postgres import PostgresServer
from tests.sync import openrosa_kit
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.loopback import LoopbackServer
from tests.sync.openrosa_server import OpenRosaServer
from tests.sync.scripted_service import ScriptedService

TESTS = Path(__file__).resolve().parents[1]
UI_FOLDERS = ("ui", "e2e")
SERVER_FIXTURES = {"central", "service", "shared_service", "postgres_server", "postgres_url"}
LOOPBACK_SERVERS = {id(server) for server in (CentralServer, start_demo_central, ScriptedService,
                                              OpenRosaServer, FaultyProxy, LoopbackServer,
                                              openrosa_kit.kiosk, PostgresServer)}

# A test's id, with its parameters where only some of them are slow; without them, all are.
SLOW = {
    "tests/deb/test_fleet_update.py::test_a_fleet_update_from_offer_to_running_and_a_broken_one_rolled_back",
    "tests/sync/test_update_pull.py::test_through_a_poor_rural_line_the_download_resumes_until_whole",
    "tests/deb/test_install.py::test_the_install_tells_it_what_to_do_next",
    "tests/deb/test_install.py::test_the_program_is_roots_and_the_kiosk_cannot_change_it",
    "tests/deb/test_install.py::test_the_configuration_data_and_account_are_the_kiosks_alone",
    "tests/deb/test_install.py::test_root_running_the_command_makes_nothing_of_roots_in_the_data_folder",
    "tests/deb/test_install.py::test_the_units_are_installed_enabled_and_accepted_by_systemd",
    "tests/deb/test_install.py::test_root_checks_its_own_form_files_as_root",
    "tests/deb/test_install.py::test_the_installed_command_passes_its_self_test_with_no_python_on_its_path",
    "tests/deb/test_install.py::test_lintian_finds_nothing_the_package_does_not_explain",
    "tests/deb/test_upgrade.py::test_an_upgrade_keeps_everything_and_a_downgrade_removal_and_purge_say_what_they_do",
    "tests/deb/test_upgrade.py::test_the_fleet_updaters_rollback_may_put_the_older_version_back",
    "tests/deploy/test_central_abuse.py::test_300_slow_clients_leave_a_kiosk_served_and_never_reach_a_worker",
    "tests/deploy/test_central_abuse.py::test_500_kiosks_at_once_are_all_answered",
    "tests/deploy/test_central_abuse.py::test_300_big_bodies_without_a_token_are_refused_and_no_worker_holds_one",
    "tests/e2e/test_central_browser.py::test_browser_a_caseworker_asks_for_information_and_the_citizen_sees_it_everywhere",
    "tests/e2e/test_central_browser.py::test_browser_repeated_wrong_passwords_lock_the_account_and_the_page_says_so",
    "tests/e2e/test_central_browser.py::test_browser_a_viewer_sees_the_inbox_but_cannot_open_a_submission",
    "tests/e2e/test_central_browser.py::test_browser_the_status_page_and_the_console_pass_the_accessibility_check",
    "tests/e2e/test_central_browser.py::test_browser_the_status_page_works_without_javascript",
    "tests/e2e/test_central_browser.py::test_browser_the_accessibility_check_finds_what_it_checks",
    "tests/e2e/test_xlsform_to_openrosa.py::test_an_xlsform_runs_on_the_kiosk_and_arrives_once",
    "tests/kiosk/test_crash.py::test_nothing_printed_is_ever_lost_or_half_written",
    "tests/kiosk/test_helpers_pins.py::test_five_wrong_pins_lock_the_pad_and_the_lock_survives_a_restart",
    "tests/kiosk/test_helpers_pins.py::test_an_older_cheaper_pin_hash_is_made_again_at_the_next_right_pin",
    "tests/kiosk/test_money_exact.py::test_every_amount_ending_in_50_is_charged_to_the_penny",
    "tests/kiosk/test_properties.py::test_expressions_compile_or_raise_then_evaluate_without_raising",
    "tests/kiosk/test_store.py::test_main_thread_reads_do_not_see_a_submission_that_is_not_committed",
    "tests/sync/central/test_fleet_simulation.py::test_a_small_fleet_is_answered_as_the_contract_says_and_nothing_is_lost_or_doubled",
    "tests/sync/central/test_update_offers.py::test_a_40_mb_package_is_streamed_without_the_worker_holding_it",
    "tests/deploy/test_central_updates.py::test_a_kiosk_fetches_an_offered_package_through_nginx_and_resumes_a_broken_download",
    "tests/sync/central/test_workers.py::test_four_workers_serve_and_a_submission_sent_forty_times_at_once_is_stored_once",
    "tests/sync/central/test_workers.py::test_every_worker_gives_the_catalogue_the_same_etag",
    "tests/sync/central/test_workers.py::test_the_workers_stop_with_the_service",
    "tests/sync/central/test_postgres_harness.py::test_a_killed_test_run_takes_its_server_with_it_and_the_next_start_sweeps_its_folder",
    "tests/sync/central/test_postgres_harness.py::test_a_second_server_answers_beside_the_first_and_once_stopped_leaves_nothing",
    "tests/sync/central/test_postgres_harness.py::test_a_server_that_will_not_start_says_why_with_the_end_of_its_log",
    "tests/sync/central/test_fuzz_contract.py::test_fuzzed_requests_get_answers_in_the_contract_and_bad_ones_write_nothing",
    "tests/sync/test_faults.py::test_a_thousand_submissions_arrive_exactly_once_through_faults_and_kills",
    "tests/sync/test_deadlines.py::test_a_200_mb_answer_never_grows_a_round_past_the_size_cap",
    "tests/sync/test_flaky_link.py::test_a_flaky_link_drains_the_queue_in_a_few_runs_exactly_once",
    "tests/sync/test_progress_pull.py::test_many_references_go_two_hundred_a_request",
    "tests/test_layers.py::test_domain_and_sync_never_import_qt",
    "tests/ui/test_accessibility_audit.py::test_every_screen_passes_the_audit",
    "tests/ui/test_accessibility_audit.py::test_the_question_stays_in_sight_above_the_keyboard",
    "tests/ui/test_app_start.py::test_a_windowed_kiosk_is_an_ordinary_window",
    "tests/ui/test_app_start.py::test_the_configured_default_language_is_the_attract_screens",
    "tests/ui/test_app_start.py::test_the_locked_kiosk_is_full_screen_frameless_and_above_other_windows",
    "tests/ui/test_app_start.py::test_the_locked_kiosk_still_stops_on_sigterm_and_closes_its_store",
    "tests/ui/test_helper_back_in_visit.py::test_work_on_the_panel_is_not_cut_short_and_reopening_it_counts_as_the_helpers",
    "tests/ui/test_helper_mode.py::test_a_tap_on_the_crest_does_nothing_and_a_3_second_hold_opens_the_pin_pad",
    "tests/ui/test_helper_mode.py::test_wrong_pins_are_counted_then_the_pad_locks_and_counts_down",
    "tests/ui/test_helper_unreachable.py::test_hundreds_of_random_touches_never_reach_helper_mode",
    "tests/ui/test_journey.py::test_every_sample_form_can_be_completed_by_touch[market_trader_tax]",
    "tests/ui/test_journey.py::test_self_test_command_completes_a_visit_into_a_real_store",
    "tests/ui/test_journey.py::test_walking_away_warns_then_wipes",
    "tests/ui/test_qt_refcounts.py::test_visits_leave_no_widgets_behind",
    "tests/ui/test_read_aloud.py::test_the_speaker_shows_it_is_reading_until_it_has_finished",
    "tests/ui/test_real_input.py::test_real_input_licence_visit_with_double_taps",
    "tests/ui/test_real_input.py::test_real_input_touches_for_the_licence_form",
    "tests/ui/test_speech_engines.py::test_a_hanging_engine_leaves_the_kiosk_usable_then_read_aloud_says_it_is_not_available",
    "tests/ui/test_speech_engines.py::test_a_kiosk_with_a_hanging_engine_stops_on_sigterm",
    "tests/ui/test_speech_engines.py::test_doctor_fails_an_engine_that_does_not_answer_and_says_what_to_do",
    "tests/ui/test_speech_engines.py::test_doctor_fails_the_real_engine_with_no_sound_card",
    "tests/ui/test_speech_engines.py::test_the_real_engine_reads_then_when_it_stops_answering_the_speaker_says_so",
    "tests/ui/test_sync_ui.py::test_a_stalled_service_never_holds_up_the_screen",
    "tests/ui/test_typing_flow.py::test_the_helpers_receipts_list_stays_in_sight_above_the_keypad",
}


def mark_by_what_they_use(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
        if folder in UI_FOLDERS or "qtbot" in item.fixturenames:
            item.add_marker(pytest.mark.ui)
        if SERVER_FIXTURES & set(item.fixturenames) or _on_postgres(item) \
                or _starts_a_server(item):
            item.add_marker(pytest.mark.network)
        if item.nodeid in SLOW or item.nodeid.split("[")[0] in SLOW:
            item.add_marker(pytest.mark.slow)


def _on_postgres(item: pytest.Item) -> bool:
    """The `postgres` half of a test parametrized by `central_database_url` (tests/conftest.py),
    whose server is asked for at run time, so is not among the fixtures it names."""
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgres" in (callspec.params.get("central_database_url"),
                                                   callspec.params.get("shared_database_url"))


def _starts_a_server(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    return function is not None and _calls_a_server(function, depth=3)


def _calls_a_server(function, depth: int) -> bool:
    """Whether `function`, or a function it names (to `depth` calls down), names a server."""
    code, names = getattr(function, "__code__", None), getattr(function, "__globals__", {})
    if code is None:
        return False
    for name in _global_names(code):
        value = names.get(name)
        if id(value) in LOOPBACK_SERVERS:
            return True
        if depth > 1 and inspect.isfunction(value) and value is not function \
                and _calls_a_server(value, depth - 1):
            return True
    return False


def _global_names(code: types.CodeType) -> set[str]:
    """The names a function's code reads, its nested functions' and lambdas' included."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names
