"""Demo part: the fictional PCN and its six practices."""

from __future__ import annotations

from pcn_assistant.services.demo import DemoContext
from pcn_assistant.store.models import Pcn, Practice

PCN = ("U99001", "Saltmarsh Bay PCN")

# ODS code, name, share of the PCN's patients, shift in IMD decile (negative = poorer).
PRACTICES = (
    ("Y90001", "Harbour View Surgery", 0.22, -2),
    ("Y90002", "Promenade Medical Centre", 0.19, -1),
    ("Y90003", "Lighthouse Family Practice", 0.17, 0),
    ("Y90004", "Dunes Health Centre", 0.16, 1),
    ("Y90005", "Old Town Surgery", 0.14, -1),
    ("Y90006", "Cliffside Medical Group", 0.12, 2),
)


def build(ctx: DemoContext) -> None:
    with ctx.db.transaction() as session:
        pcn = Pcn(ods_code=PCN[0], name=PCN[1])
        session.add(pcn)
        for code, name, share, _shift in PRACTICES:
            session.add(Practice(ods_code=code, name=name, pcn=pcn, list_size=round(ctx.patients * share)))
