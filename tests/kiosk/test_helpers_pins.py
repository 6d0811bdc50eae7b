"""Helper PINs: the rules, the scrypt hash, the growing lock kept across restarts, the audit."""

from __future__ import annotations

import base64
import hashlib
import sqlite3

import pytest

from kiosk.pins import (
    LONGEST_LOCK_SECONDS,
    PinRuleError,
    check_new_pin,
    hash_pin,
    lock_seconds,
    pin_matches,
)
from kiosk.store import Store, StoreError


@pytest.mark.parametrize(("pin", "why"), [
    ("12345", "6 to 12 digits"), ("12ab56", "digits only"), ("111111", "one digit repeated"),
    ("123456", "in order"), ("987654", "in order"), ("123123", "most common"),
    ("454545", "most common"), ("１２３４５７", "digits only"),
])
def test_easy_pins_are_refused_with_the_reason(pin, why):
    with pytest.raises(PinRuleError, match=why):
        check_new_pin(pin)


def test_a_pin_is_kept_only_as_a_salted_scrypt_hash():
    stored = hash_pin("481516")
    assert stored.startswith("scrypt$") and "481516" not in stored
    assert stored != hash_pin("481516")  # salted
    assert pin_matches("481516", stored) and not pin_matches("481517", stored)
    assert not pin_matches("481516", "md5$whatever")


@pytest.mark.real_pin_cost
def test_a_pin_hash_costs_a_thief_128_mib_and_n_2_17_per_guess():
    scheme, n, r, p, salt, digest = hash_pin("481516").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    assert len(base64.b64decode(salt)) == 16
    # What a thief with the file computes for each guess: the same scrypt, in full.
    guess = hashlib.scrypt(b"481516", salt=base64.b64decode(salt), n=2**17, r=8, p=1,
                           maxmem=2**28)
    assert guess == base64.b64decode(digest)


def test_a_stored_hash_asking_for_gigabytes_is_refused_not_computed():
    salt = base64.b64encode(b"0" * 16).decode()
    assert not pin_matches("481516", f"scrypt${2**22}$8$1${salt}$AAAA")  # 4 GiB


def _old_hash(pin: str) -> str:
    """A PIN hash as kiosks before issue 20 made it: N=2^15."""
    salt = b"s" * 16
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=2**26)
    return f"scrypt${2**15}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


@pytest.mark.real_pin_cost
def test_an_older_cheaper_pin_hash_is_made_again_at_the_next_right_pin(tmp_path):
    path = tmp_path / "kiosk.db"
    with Store(path) as store:
        store.staff.set_helper_pin("Amina", "481516")
    with sqlite3.connect(path) as conn:  # as an older kiosk left it
        conn.execute("UPDATE helpers SET pin_hash = ?", (_old_hash("481516"),))

    def stored() -> str:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT pin_hash FROM helpers").fetchone()[0]

    with Store(path) as store:
        assert store.staff.try_unlock("592735").status == "wrong"
        assert stored().startswith(f"scrypt${2**15}$")  # a wrong PIN changes nothing
        assert store.staff.try_unlock("481516").helper == "Amina"
        assert stored().startswith(f"scrypt${2**17}$8$1$")
        assert pin_matches("481516", stored())
        assert store.staff.try_unlock("481516").helper == "Amina"  # and it still opens


def test_the_lock_grows_from_30_seconds_to_an_hour():
    assert [lock_seconds(n) for n in range(1, 7)] == [30, 120, 480, 1920, 3600, 3600]


def test_helpers_unlock_with_their_own_pin_and_never_share_one(store):
    assert store.staff.set_helper_pin("Amina", "481516") is True
    assert store.staff.set_helper_pin("Bo", "270918") is True
    with pytest.raises(StoreError, match="Another helper already has that PIN"):
        store.staff.set_helper_pin("Chris", "481516")
    assert store.staff.try_unlock("270918").helper == "Bo"
    assert store.staff.try_unlock("481516").helper == "Amina"
    assert store.staff.set_helper_pin("Amina", "592735") is False  # a new PIN for the same helper
    assert store.staff.try_unlock("481516").status == "wrong"
    assert store.staff.helper_names() == ["Amina", "Bo"]


def test_five_wrong_pins_lock_the_pad_and_the_lock_survives_a_restart(tmp_path, clock):
    path = tmp_path / "data" / "kiosk.db"
    with Store(path, clock=clock) as store:
        store.staff.set_helper_pin("Amina", "481516")
        tries = [store.staff.try_unlock("000001") for _ in range(4)]
        assert [t.tries_left for t in tries] == [4, 3, 2, 1]
        fifth = store.staff.try_unlock("000001")
        assert fifth.status == "locked" and fifth.locked_for_seconds == 30
    with Store(path, clock=clock) as store:  # switched off and on again: still locked
        locked = store.staff.try_unlock("481516")  # even the right PIN is not looked at
        assert locked.status == "locked" and 0 < locked.locked_for_seconds <= 30
        clock.advance(seconds=31)
        for _ in range(5):
            result = store.staff.try_unlock("000002")
        assert result.status == "locked" and result.locked_for_seconds == 120  # longer now
        clock.advance(seconds=121)
        assert store.staff.try_unlock("481516").status == "ok"  # and a right PIN resets it all
        for _ in range(5):
            result = store.staff.try_unlock("000003")
        assert result.locked_for_seconds == 30
        events = [(e.actor, e.event) for e in store.staff.recent_audit(100)]
    assert ("Amina", "helper_unlock") in events
    assert ("unknown", "helper_lockout") in events
    assert sum(1 for _, event in events if event == "helper_unlock_failed") == 15
    assert not any("481516" in str(e) or "000001" in str(e) for e in events)


def test_no_helpers_yet_is_said_plainly(store):
    assert store.staff.try_unlock("481516").status == "no_helpers"


def test_a_helper_can_be_removed(store):
    store.staff.set_helper_pin("Amina", "481516")
    assert store.staff.remove_helper("Amina") and not store.staff.remove_helper("Amina")
    assert store.staff.try_unlock("481516").status == "no_helpers"


def test_it_can_clear_the_lock_and_it_is_audited(store):
    store.staff.set_helper_pin("Amina", "481516")
    for _ in range(5):
        store.staff.try_unlock("000001")
    assert store.staff.try_unlock("481516").status == "locked"
    store.staff.reset_unlock_lock()
    assert store.staff.try_unlock("481516").status == "ok"
    assert {"action": "lock_reset"} in [e.detail for e in store.staff.recent_audit(20)]


def test_a_clock_set_back_never_locks_the_pad_for_more_than_an_hour(store, clock):
    store.staff.set_helper_pin("Amina", "481516")
    for _ in range(5):
        result = store.staff.try_unlock("000001")
    assert result.status == "locked" and result.locked_for_seconds == 30
    clock.advance(days=-1)  # the kiosk's clock is corrected backwards
    again = store.staff.try_unlock("481516")
    assert again.status == "ok" or again.locked_for_seconds <= LONGEST_LOCK_SECONDS
