"""Issue 14, items 12-15: weak passwords, ``--user`` always proven, commands that match
the role table, and an audit trail that a restore or a cut tail cannot quietly shorten."""

from __future__ import annotations

import pytest

from pcn_assistant.core import passwords
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import auth, users
from pcn_assistant.services.security import ADMIN, LINK_WORKER, LOCAL_ADMIN

ADMIN_PASSWORD = "harbour-lights-9"


# Item 12: passwords.

@pytest.mark.parametrize(("password", "why"), [
    ("aaaaaaaaaa", "mostly one character"),
    ("          ", "mostly one character"),
    ("abababababab", "mostly one character"),
    ("aaaaaaaaaaaab7", "mostly one character"),
    ("1234567890", "most common"),
    ("0123456789", "straight run"),
    ("abcdefghijkl", "straight run"),
    ("password12", "most common"),
    ("Password123!", "most common"),
    ("qwertyuiop", "most common"),
    ("iloveyou2026", "most common"),
    ("short", "at least 10"),
    ("x" * 300, "at most 256"),
    ("my-sam-okafor-pw", "user name"),
    ("SAMwise-gamgee", "user name"),
])
def test_weak_passwords_are_refused(db, password, why):
    admin = users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    actor = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    assert admin.login == "boss"
    with pytest.raises(InvalidInput, match=why) as refused:
        users.add_user(db, actor, "sam", role=LINK_WORKER, password=password)
    assert "\n" not in str(refused.value)
    assert not password.strip() or password not in str(refused.value)  # the password is never echoed
    assert [u.login for u in users.list_users(db, actor)] == ["boss"]  # nothing written


def test_weak_passwords_are_refused_on_reset_and_change(db):
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=ADMIN_PASSWORD)
    actor = auth.authenticate(db, "boss", ADMIN_PASSWORD)
    users.add_user(db, actor, "sam", role=LINK_WORKER, password="tide-pool-walker-7")
    with pytest.raises(InvalidInput, match="most common"):
        users.reset_password(db, actor, "sam", "password12")
    with pytest.raises(InvalidInput, match="user name"):
        auth.change_own_password(db, "boss", ADMIN_PASSWORD, "boss-is-back-2026")
    assert auth.authenticate(db, "sam", "tide-pool-walker-7").name == "sam"  # unchanged
    assert auth.authenticate(db, "boss", ADMIN_PASSWORD).name == "boss"


@pytest.mark.parametrize("password", ["correct horse battery", "tide-pool-walker-7", "Saltmarsh Bay 1990s",
                                      "lighthouse-demo-2026"])
def test_good_passwords_pass(password):
    assert passwords.password_problem(password, "sam") is None


def test_common_list_is_the_shipped_10k():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty", "1234567890", "password12"} <= common
    assert all(p == p.lower() for p in common)
