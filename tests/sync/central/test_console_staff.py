"""Staff accounts: made by IT with `kiosk central add-staff` or by an administrator in the
console, passwords hashed by Django and checked by its validators; the audit log."""

from __future__ import annotations

import io

from sync.central.store import CentralStore
from sync.central.web.databases import serving
from sync.central.web.models import StaffAudit, StaffProfile
from tests.support.console import add_staff, post_form, sign_in

from .central_kit import run


def test_add_staff_prints_a_password_once_that_signs_in(console, capsys):
    assert run("add-staff", "--data-dir", str(console.central.data_dir),
               "--username", "cara", "--role", "caseworker") == 0
    out, err = capsys.readouterr()
    password = out.strip()
    assert len(password) == 20 and "shown once" in err
    _, answer = sign_in(console.central.url, "cara", password)
    assert answer.url == console.url + "/inbox"


def test_add_staff_reads_a_password_from_stdin_and_refuses_a_weak_one(console, monkeypatch,
                                                                     capsys):
    folder = str(console.central.data_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("password123\n"))
    assert run("add-staff", "--data-dir", folder, "--username", "cara", "--role",
               "caseworker", "--password-stdin") == 1
    err = capsys.readouterr().err
    assert "The password is not accepted:" in err and "too common" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase of my own\n"))
    assert run("add-staff", "--data-dir", folder, "--username", "cara", "--role",
               "caseworker", "--password-stdin") == 0
    assert capsys.readouterr().out == ""  # nothing to print: the password was given
    _, answer = sign_in(console.central.url, "cara", "a long passphrase of my own")
    assert answer.url == console.url + "/inbox"
    assert run("add-staff", "--data-dir", folder, "--username", "CARA", "--role",
               "viewer") == 1
    assert "An account called CARA already exists" in capsys.readouterr().err


def test_the_default_hasher_is_djangos_pbkdf2_at_its_full_cost(central_dir):
    folder, _ = central_dir
    add_staff(folder, "cara", "caseworker")  # outside the console fixture: the real default
    store = CentralStore(folder)
    try:
        with serving(store.alias):
            stored = StaffProfile.objects.get(user__username="cara").user.password
    finally:
        store.close()
    algorithm, rounds, _salt, _hash = stored.split("$")
    assert algorithm == "pbkdf2_sha256" and int(rounds) >= 1_000_000


def test_set_role_and_remove_staff_keep_one_administrator(console, capsys):
    folder = str(console.central.data_dir)
    console.staff("ada", "administrator")
    assert run("set-role", "--data-dir", folder, "--username", "ada", "--role", "viewer") == 1
    assert "ada is the only administrator" in capsys.readouterr().err
    assert run("remove-staff", "--data-dir", folder, "--username", "ada") == 1
    console.staff("cara", "caseworker")
    assert run("set-role", "--data-dir", folder, "--username", "cara", "--role",
               "administrator") == 0
    assert "cara was caseworker and is now administrator" in capsys.readouterr().err
    assert run("remove-staff", "--data-dir", folder, "--username", "ada") == 0
    assert run("remove-staff", "--data-dir", folder, "--username", "ada") == 1
    assert "There is no staff account called ada" in capsys.readouterr().err
    _, answer = sign_in(console.central.url, "ada")
    assert "The account name or password is not right" in answer.text
    with console.database():
        done = list(StaffAudit.objects.filter(actor="(command line)").order_by("id")
                    .values_list("action", "target", "detail"))
    assert done == [("change_role", "cara", "caseworker -> administrator"),
                    ("remove_staff", "ada", "")]


def test_an_administrator_adds_staff_and_changes_a_role_in_the_console(console):
    session = console.signed_in("ada", "administrator")
    added = post_form(session, console.central.url, "/console/staff", "/console/staff/add",
                      {"username": "vic", "role": "viewer"})
    assert added.status_code == 200 and 'id="new-password"' in added.text
    password = added.text.split('id="new-password">')[1].split("<")[0]
    again = session.get(console.url + "/staff", timeout=10)
    assert password not in again.text  # shown once
    _, answer = sign_in(console.central.url, "vic", password)
    assert answer.url == console.url + "/inbox"

    post_form(session, console.central.url, "/console/staff", "/console/staff/vic/role",
              {"role": "caseworker"})
    with console.database():
        assert StaffProfile.objects.get(user__username="vic").role == "caseworker"
        actions = list(StaffAudit.objects.filter(actor="ada").order_by("id").values_list(
            "action", "target", "detail"))
    assert actions[1:] == [("add_staff", "vic", "role viewer"),
                           ("change_role", "vic", "viewer -> caseworker")]
    refused = post_form(session, console.central.url, "/console/staff", "/console/staff/add",
                        {"username": "not a name!", "role": "viewer"})
    assert refused.status_code == 400 and "cannot be an account name" in refused.text


def test_only_an_administrator_reads_the_audit_log_newest_first(console):
    cara = console.signed_in("cara", "caseworker")
    assert cara.get(console.url + "/audit", timeout=10).status_code == 403
    assert cara.get(console.url + "/staff", timeout=10).status_code == 403
    ada = console.signed_in("ada", "administrator")
    page = ada.get(console.url + "/audit", timeout=10)
    assert page.status_code == 200
    actions = [line.split('"')[0] for line in page.text.split('data-action="')[1:]]
    assert actions == ["sign_in", "refused", "refused", "sign_in"]
