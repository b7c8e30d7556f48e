"""A small, known world for referral tests: two practices, people with episodes, services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from pcn_assistant.core import clock
from pcn_assistant.services.directory.edit import ServiceForm, save_service
from pcn_assistant.services.security import LINK_WORKER, Actor
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.organisation import Pcn, Practice
from pcn_assistant.store.models.patient import Patient

TODAY = date(2026, 11, 1)
WORKER = Actor(name="sam", role=LINK_WORKER, display_name="Sam Okafor")
NHS = ("9990000018", "9990000026", "9990000034", "9990000042", "9990000050", "9990000069")


@dataclass
class World:
    practices: dict[str, int] = field(default_factory=dict)
    patients: list[int] = field(default_factory=list)
    episodes: list[int] = field(default_factory=list)
    services: dict[str, int] = field(default_factory=dict)


def build_world(db, *, people: int = 4) -> World:  # noqa: ANN001
    world = World()
    with db.transaction() as session:
        pcn = Pcn(ods_code="U99001", name="Saltmarsh Bay PCN")
        session.add(pcn)
        for code, name in (("Y90001", "Harbour View Surgery"), ("Y90002", "Promenade Medical Centre")):
            practice = Practice(ods_code=code, name=name, pcn=pcn)
            session.add(practice)
            session.flush()
            world.practices[code] = practice.id
        for index in range(people):
            patient = Patient(nhs_number=NHS[index], given_name=f"Person{index}", family_name=f"Family{index}",
                              given_name_lc=f"person{index}", family_name_lc=f"family{index}",
                              date_of_birth=date(1950 + index, 3, 1), sex="F", phone="07700 900123",
                              practice_id=world.practices["Y90001" if index % 2 == 0 else "Y90002"])
            session.add(patient)
            session.flush()
            world.patients.append(patient.id)
            episode = Episode(patient_id=patient.id, coordinator="sam", referral_source="gp",
                              referral_reasons=["loneliness"], referred_on=date(2026, 8, 1), status="contacted",
                              identified_on=date(2026, 8, 1), contacted_on=date(2026, 8, 3), created_by="sam",
                              updated_by="sam")
            session.add(episode)
            session.flush()
            world.episodes.append(episode.id)
    # Verified a month before the real today, so screens that use the clock see them as fresh.
    common = {"days": ["TU"], "opens_at": time(10), "closes_at": time(12),
              "last_verified": clock.today() - timedelta(days=30)}
    on = max(TODAY, clock.today())
    world.services["walk"] = save_service(db, WORKER, ServiceForm(
        name="Health Walks", organisation="Bay Walkers", categories=["physical_activity"], town="Saltmarsh Bay",
        phone="01632 960001", contact_name="Pat", free=True, **common), today=on)
    world.services["knit"] = save_service(db, WORKER, ServiceForm(
        name="Knit and Natter", organisation="Bay Crafters", categories=["arts", "befriending"], capacity=2,
        town="Saltmarsh Bay", phone="01632 960002", **common), today=on)
    world.services["lunch"] = save_service(db, WORKER, ServiceForm(
        name="Friendship Lunch", organisation="Bay Crafters", categories=["food", "befriending"],
        town="Fleetwood", capacity=3, capacity_unit="week", **common), today=on)
    return world
