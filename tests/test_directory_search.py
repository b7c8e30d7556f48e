"""Directory search filters, stale flags, capacity, and manual add/edit with concurrency."""

from datetime import date, time

import pytest
from referrals_world import TODAY, WORKER, build_world

from pcn_assistant.errors import InvalidInput, PermissionDenied, StaleRecord
from pcn_assistant.services.directory.edit import (
    ServiceForm,
    mark_verified,
    organisation_names,
    save_service,
    service_detail,
)
from pcn_assistant.services.directory.search import ServiceFilter, count_services, search_services
from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals
from pcn_assistant.services.security import PRACTICE_MANAGER, Actor


@pytest.fixture
def directory(db):
    world = build_world(db)
    extra = [
        ServiceForm(name="Men's Shed", organisation="Fleetwood Shed", categories=["befriending", "arts"],
                    description="Woodwork & tea for men over 50", town="Fleetwood", postcode="FY7 6AB",
                    minimum_age=50, days=["MO", "WE"], opens_at=time(9), closes_at=time(13), free=True,
                    last_verified=date(2026, 4, 30)),
        ServiceForm(name="Money Matters 100%", organisation="Bay Advice", categories=["money"],
                    description="Debt and benefits advice; 'no question too small'", town="Saltmarsh Bay",
                    postcode="FY8 2CD", days=["TH"], opens_at=time(9, 30), closes_at=time(15), free=True,
                    last_verified=date(2026, 5, 2)),
        ServiceForm(name="Aqua Fit", organisation="Leisure Trust", categories=["physical_activity"],
                    description="Gentle exercise in water", town="Thornton", minimum_age=16, maximum_age=64,
                    days=["FR"], opens_at=time(14), closes_at=time(15), free=False, fees="£3.50 a session"),
        ServiceForm(name="Closed Choir", organisation="Bay Singers", categories=["arts"], status="defunct",
                    town="Saltmarsh Bay", days=["TU"], last_verified=date(2026, 10, 1)),
    ]
    for form in extra:
        save_service(db, WORKER, form, today=TODAY)
    return db, world


def _names(db, **filters) -> list[str]:
    flt = ServiceFilter(today=TODAY, **filters)
    rows = search_services(db, WORKER, flt)
    assert count_services(db, WORKER, flt) == len(rows)
    return sorted(r.name for r in rows)


def test_free_text_matches_name_description_and_organisation(directory):
    db, _world = directory
    assert _names(db, text="shed") == ["Men's Shed"]
    assert _names(db, text="WOODWORK tea") == ["Men's Shed"]
    assert _names(db, text="bay crafters") == ["Friendship Lunch", "Knit and Natter"]
    assert _names(db, text="debt benefits") == ["Money Matters 100%"]
    assert _names(db, text="nothing like this") == []


@pytest.mark.parametrize("text, expected", [
    ("100%", ["Money Matters 100%"]), ("%", ["Money Matters 100%"]), ("_", []),
    ("'no question", ["Money Matters 100%"]), ("'; DROP TABLE directory_service; --", []),
    ("men's", ["Men's Shed"]),
])
def test_wildcards_and_quotes_match_literally(directory, text, expected):
    db, _world = directory
    assert _names(db, text=text) == expected


def test_category_area_age_day_and_cost(directory):
    db, _world = directory
    assert _names(db, category="arts") == ["Knit and Natter", "Men's Shed"]  # the defunct choir is hidden
    assert _names(db, category="arts", include_closed=True) == ["Closed Choir", "Knit and Natter", "Men's Shed"]
    assert _names(db, area="fleetwood") == ["Friendship Lunch", "Men's Shed"]
    assert _names(db, area="FY7") == ["Men's Shed"]
    assert _names(db, age=49) == sorted(["Health Walks", "Knit and Natter", "Friendship Lunch",
                                         "Money Matters 100%", "Aqua Fit"])
    assert "Men's Shed" in _names(db, age=50) and "Aqua Fit" in _names(db, age=64)
    assert "Aqua Fit" not in _names(db, age=65) and "Aqua Fit" not in _names(db, age=15)
    assert _names(db, day="TU") == ["Friendship Lunch", "Health Walks", "Knit and Natter"]
    assert _names(db, day="WE") == ["Men's Shed"]
    assert _names(db, cost="paid") == ["Aqua Fit"]
    assert "Aqua Fit" not in _names(db, cost="free") and "Health Walks" in _names(db, cost="free")
    with pytest.raises(InvalidInput):
        _names(db, day="XX")
    with pytest.raises(InvalidInput):
        _names(db, category="knitting")


def test_stale_after_six_months(directory):
    """Verified 30 April 2026 is stale on 1 November 2026; 2 May is not; never verified is."""
    db, _world = directory
    rows = {r.name: r for r in search_services(db, WORKER, ServiceFilter(today=TODAY))}
    assert rows["Men's Shed"].stale and not rows["Money Matters 100%"].stale
    assert rows["Aqua Fit"].stale and not rows["Health Walks"].stale
    assert _names(db, stale_only=True) == ["Aqua Fit", "Men's Shed"]


def test_has_capacity_counts_active_referrals_and_the_waiting_list(directory):
    db, world = directory
    for person in (0, 1):
        create_referrals(db, WORKER, world.episodes[person], NewReferral(
            [world.services["knit"]], "arts", consent_given=True), on=date(2026, 10, 1), today=TODAY)
    names = _names(db, has_capacity=True)
    assert "Knit and Natter" not in names and "Health Walks" in names
    (knit,) = [r for r in search_services(db, WORKER, ServiceFilter(text="knit", today=TODAY))]
    assert knit.capacity == "2 of 2 places - full"


def test_manual_add_edit_and_verify(directory):
    db, _world = directory
    service_id = next(r.id for r in search_services(db, WORKER, ServiceFilter(text="shed", today=TODAY)))
    detail = service_detail(db, WORKER, service_id, today=TODAY)
    assert detail.form.days == ["MO", "WE"] and detail.form.postcode == "FY7 6AB"
    assert detail.schedules == ["Monday and Wednesday, 09:00-13:00"]
    assert detail.stale and detail.usage.describe() == "No limit set"
    form = detail.form
    form.capacity, form.private_notes, form.days = 8, "Ring Dave first", ["MO"]
    save_service(db, WORKER, form, today=TODAY)
    again = service_detail(db, WORKER, service_id, today=TODAY)
    assert (again.form.capacity, again.form.private_notes, again.form.days) == (8, "Ring Dave first", ["MO"])
    with pytest.raises(StaleRecord):
        save_service(db, WORKER, form, today=TODAY)  # form still holds the old version
    mark_verified(db, WORKER, service_id, TODAY)
    assert not service_detail(db, WORKER, service_id, today=TODAY).stale
    assert "Fleetwood Shed" in organisation_names(db, WORKER)


@pytest.mark.parametrize("changes, message", [
    ({"name": " "}, "needs a name"),
    ({"minimum_age": 70, "maximum_age": 20}, "minimum age is above"),
    ({"opens_at": time(12), "closes_at": time(11)}, "closing time"),
    ({"last_verified": date(2027, 1, 1)}, "in the future"),
    ({"categories": ["knitting"]}, "unknown categories"),
    ({"email": "not-an-email"}, "email"),
])
def test_invalid_service_forms_are_refused(db, changes, message):
    form = ServiceForm(**{"name": "Test", "organisation": "Org", **changes})
    with pytest.raises(InvalidInput, match=message):
        save_service(db, WORKER, form, today=TODAY)


def test_practice_manager_reads_but_cannot_edit(directory):
    db, _world = directory
    manager = Actor(name="pm", role=PRACTICE_MANAGER, practice_code="Y90001")
    assert count_services(db, manager, ServiceFilter(today=TODAY)) == 6
    with pytest.raises(PermissionDenied):
        save_service(db, manager, ServiceForm(name="X", organisation="Y"), today=TODAY)
