"""`kiosk run --demo`'s central service: a real server on loopback that serves the sample
forms (never the information pages, which stay on the kiosk), made once and found again."""

from __future__ import annotations

from kiosk.forms.catalogue import load_catalogue
from kiosk.paths import sample_forms_dir
from sync.demo import start_demo_central
from sync.transport import RestTransport


def served_forms(destination) -> set[str]:
    transport = RestTransport(destination, "DEMO")
    try:
        _, forms = transport.forms(None)
    finally:
        transport.close()
    return {form["form_id"] for form in forms}


def test_the_demo_serves_the_sample_forms_and_no_information_page(tmp_path):
    samples = load_catalogue(sample_forms_dir())
    assert samples.information  # the samples hold information pages for the test to leave out
    logged: list[str] = []
    server, destination = start_demo_central(tmp_path / "central", log=logged.append)
    try:
        assert destination.url.startswith("http://127.0.0.1:")
        assert served_forms(destination) == set(samples.forms)
        assert [line for line in logged if "not served" in line] == []  # nothing it refused
    finally:
        server.stop()


def test_a_second_start_finds_the_same_service_again(tmp_path):
    first, destination = start_demo_central(tmp_path / "central", log=lambda line: None)
    first.stop()
    (tmp_path / "central" / "forms" / "report_problem.yaml").unlink()  # not set up afresh
    again, same = start_demo_central(tmp_path / "central", log=lambda line: None)
    try:
        assert same.token == destination.token
        assert "report_problem" not in served_forms(same)
    finally:
        again.stop()
