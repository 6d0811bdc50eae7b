"""GET /v1/consultations on a real loopback service: counts per option, counted once per
submission, shown only from the form's threshold, never who answered what."""

from __future__ import annotations

import shutil

import requests

from .central_kit import CONSULTATION, FORMS, answer_body

PLANS = ["plan_a_trees", "plan_b_market_hall", "plan_c_parking"]


def publish(service) -> None:
    shutil.copy(FORMS / f"{CONSULTATION}.yaml", service.data_dir / "forms")


def results(service, **headers) -> requests.Response:
    return requests.get(service.url + "/v1/consultations", timeout=10,
                        headers={**service.device_headers(), **headers})


def ours(response: requests.Response) -> dict:
    return next(c for c in response.json()["consultations"] if c["form_id"] == CONSULTATION)


def vote(service, plan: str, comments: str | None = None) -> dict:
    answers = {"plan": plan, **({"comments": comments} if comments else {})}
    body = answer_body(service.key, answers)
    assert service.post(body).status_code == 201
    return body


def test_no_counts_are_given_below_the_threshold(service):
    publish(service)
    for plan in PLANS:  # three answers: each one would be visible moving a bar
        vote(service, plan)
    entry = ours(results(service))
    assert entry == {"form_id": CONSULTATION, "question": "plan", "total": 3, "shown": False,
                     "results_from": 10, "options": []}


def test_counts_per_option_once_there_are_enough_and_a_resend_counts_once(service):
    publish(service)
    marker = "Please keep the old fountain, my neighbour at number 14 agrees"
    sent = [vote(service, "plan_b_market_hall", marker) for _ in range(6)]
    sent += [vote(service, "plan_a_trees") for _ in range(3)]
    sent.append(vote(service, "plan_c_parking"))
    first = results(service)
    assert first.status_code == 200
    entry = ours(first)
    assert entry["shown"] is True and entry["total"] == 10
    assert entry["options"] == [{"name": "plan_a_trees", "count": 3},
                                {"name": "plan_b_market_hall", "count": 6},
                                {"name": "plan_c_parking", "count": 1}]
    # Nothing of any one person: no comment, no instance id, no reference.
    text = first.text
    assert marker not in text and "HALL7" not in text
    assert all(body["instance_id"] not in text for body in sent)
    # The same submission sent again (a lost answer, say) is stored once and counted once.
    assert service.post(sent[0]).status_code == 200
    vote(service, "plan_a_trees")
    entry = ours(results(service))
    assert entry["total"] == 11
    assert entry["options"][0] == {"name": "plan_a_trees", "count": 4}


def test_an_unchanged_result_is_a_304_and_a_new_answer_changes_it(service):
    publish(service)
    vote(service, "plan_a_trees")
    first = results(service)
    etag = first.headers["ETag"]
    again = results(service, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    vote(service, "plan_c_parking")
    changed = results(service, **{"If-None-Match": etag})
    assert changed.status_code == 200 and ours(changed)["total"] == 2


def test_only_a_device_token_reads_the_results(service):
    publish(service)
    assert requests.get(service.url + "/v1/consultations", timeout=10).status_code == 401
    staff = requests.get(service.url + "/v1/consultations", headers=service.admin_headers,
                         timeout=10)
    assert staff.status_code == 403


def test_a_service_without_the_form_lists_no_consultation_and_counts_later(service):
    for _ in range(10):
        vote(service, "plan_b_market_hall")
    assert results(service).json() == {"consultations": []}
    publish(service)  # the form arrives after the answers: they are all counted then
    entry = ours(results(service))
    assert entry["total"] == 10 and entry["options"][1]["count"] == 10


def test_the_counts_survive_a_restart_without_opening_the_answers_again(service):
    from sync.central.server import CentralServer

    publish(service)
    for _ in range(10):
        vote(service, "plan_a_trees")
    assert ours(results(service))["total"] == 10
    service.server.stop()
    restarted = CentralServer(service.data_dir, log=service.log.append).start()
    try:
        tallies = restarted.app.tallies
        opened = []
        original = tallies._answer
        tallies._answer = lambda *args: opened.append(args) or original(*args)
        answer = requests.get(restarted.url + "/v1/consultations", timeout=10,
                              headers=service.device_headers())
        assert ours(answer)["total"] == 10
        assert opened == []  # counted before the restart: nothing is opened again
    finally:
        restarted.stop()
