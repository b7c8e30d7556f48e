"""Demo part: about 60 fictional local services around Saltmarsh Bay, in every category.

Some were last verified more than six months ago (shown stale), a few are temporarily
closed, and several have small capacities that the referrals part fills, so the
directory shows full services with waiting lists. Phone numbers are in Ofcom's drama
range (01632 960xxx) and e-mail addresses use example.org.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import numpy as np

from pcn_assistant.core.directory import infer_is_free
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.directory.oruk_records import address_id_for
from pcn_assistant.store.models.directory import (
    DirectoryContact,
    DirectoryCostOption,
    DirectoryLocation,
    DirectoryOrganisation,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceCategory,
    DirectoryServiceLocation,
)

# Places: (name, street, town, postcode)
VENUES = (
    ("St Anne's Church Hall", "Church Road", "Saltmarsh Bay", "FY8 1AB"),
    ("Harbour Community Centre", "Quay Street", "Saltmarsh Bay", "FY8 2DE"),
    ("Old Town Library", "Market Place", "Saltmarsh Old Town", "FY6 7GH"),
    ("Dunes Leisure Centre", "Links Avenue", "Dunesby", "FY4 3JK"),
    ("Cliffside Methodist Church", "Cliff Lane", "Cliffside", "FY5 4LM"),
    ("The Hub on Promenade", "North Promenade", "Saltmarsh Bay", "FY8 3NP"),
    ("Marshfield Village Hall", "Green Lane", "Marshfield", "FY6 9QR"),
    ("Bayview Park Pavilion", "Park Drive", "Saltmarsh Bay", "FY8 4ST"),
    ("Lighthouse Allotments", "Beacon Road", "Dunesby", "FY4 5UW"),
    ("Old Town Surgery meeting room", "High Street", "Saltmarsh Old Town", "FY6 7XY"),
)

# (organisation, service, categories, days, opens, closes, cost (None unknown, 0 free, £),
#  capacity (n, unit) or None, referral method, min age, max age, description)
SERVICES = (
    ("Bay Befrienders", "Telephone befriending", "befriending", "", None, None, 0, (12, "places"), "direct", 60, None,
     "A weekly friendly phone call from the same trained volunteer."),
    ("Bay Befrienders", "Home visiting befriending", "befriending", "", None, None, 0, (3, "places"), "direct", 65, None,
     "A volunteer visits at home once a week for a cuppa and a chat."),
    ("Saltmarsh Lunch Club", "Tuesday Friendship Lunch", "befriending,food", "TU", "12:00", "14:00", 4.5, (3, "week"),
     "direct", 60, None, "Two-course hot lunch and company; transport can be arranged."),
    ("Saltmarsh Lunch Club", "Friday Fish Supper", "befriending,food", "FR", "17:00", "19:00", 5, None, "signpost", 18,
     None, "Fish supper and quiz night in the church hall."),
    ("Cliffside Crafters", "Knit and Natter", "arts,befriending", "TU", "10:00", "12:00", 0, (3, "places"), "direct",
     None, None, "Bring your knitting or learn; tea and biscuits provided."),
    ("Cliffside Crafters", "Memory Café", "befriending,ltc_support", "WE", "14:00", "16:00", 0, (10, "places"),
     "direct", None, None, "A relaxed afternoon for people living with dementia and their carers."),
    ("Men's Sheds Saltmarsh", "Men's Shed", "befriending,arts", "MO,TH", "09:30", "13:00", 0, None, "signpost", 18,
     None, "Woodwork, repairs and a brew: shoulder to shoulder, not face to face."),
    ("Bay Walkers", "Health Walks", "physical_activity,befriending", "MO,WE,SA", "10:00", "11:00", 0, None, "signpost",
     None, None, "Gentle led walks along the seafront, 30 to 60 minutes."),
    ("Bay Walkers", "Nordic Walking for Beginners", "physical_activity", "TH", "10:00", "11:30", 3, (8, "places"),
     "direct", 18, None, "Poles provided; six-week course."),
    ("Dunes Leisure Trust", "Chair-based Exercise", "physical_activity,ltc_support", "TU,FR", "11:00", "12:00", 3,
     (4, "places"), "direct", 50, None, "Seated strength and balance class for people who find standing hard."),
    ("Dunes Leisure Trust", "Aqua Fit", "physical_activity", "WE", "14:00", "15:00", 3.5, None, "signpost", 16, None,
     "Low-impact exercise in the warm pool."),
    ("Dunes Leisure Trust", "Exercise on Referral", "physical_activity,ltc_support", "MO,WE,FR", "09:00", "16:00", 2,
     (20, "month"), "direct", 16, None, "12-week supervised gym programme for people with long-term conditions."),
    ("Strong and Steady", "Strength and Balance Class", "physical_activity,ltc_support", "TH", "13:30", "14:30", 0,
     (4, "places"), "direct", 65, None, "Falls prevention classes led by a physiotherapy assistant."),
    ("Bay Bowls Club", "Come and Try Bowls", "physical_activity,befriending", "SA", "14:00", "16:00", 0, None,
     "signpost", None, None, "Flat shoes and a smile; bowls provided."),
    ("Saltmarsh Singers", "Community Choir", "arts,befriending", "WE", "19:00", "21:00", 2, None, "signpost", 16, None,
     "No auditions and no need to read music."),
    ("Saltmarsh Singers", "Singing for Breathing", "arts,ltc_support", "MO", "13:00", "14:00", 0, (12, "places"),
     "direct", 18, None, "Singing to help people with COPD and long COVID manage breathlessness."),
    ("Harbour Arts", "Creative Wellbeing Course", "arts,mental_wellbeing", "TH", "10:00", "12:00", 0, (3, "places"),
     "direct", 18, None, "Eight-week painting and collage course for people feeling low."),
    ("Harbour Arts", "Open Studio", "arts", "SA", "10:00", "13:00", 2, None, "signpost", None, None,
     "Drop in and make something; materials provided."),
    ("Old Town Library", "Reading Friends", "befriending,arts", "TH", "14:00", "15:30", 0, None, "signpost", None, None,
     "A monthly reading group with tea."),
    ("Old Town Library", "Digital Drop-in", "employment", "MO", "10:00", "12:00", 0, None, "signpost", None, None,
     "Help with phones, tablets, email and NHS App."),
    ("Mind in the Bay", "Wellbeing Café", "mental_wellbeing,befriending", "WE", "13:00", "15:00", 0, None, "signpost",
     18, None, "A welcoming space to talk and meet others."),
    ("Mind in the Bay", "Peer Support Group", "mental_wellbeing", "TU", "18:00", "19:30", 0, (10, "places"), "direct",
     18, None, "Facilitated group for people with lived experience of anxiety and depression."),
    ("Mind in the Bay", "Talking Therapies Self-referral", "mental_wellbeing", "MO,TU,WE,TH,FR", "09:00", "17:00", 0,
     None, "signpost", 16, None, "NHS talking therapies; people refer themselves online or by phone."),
    ("Bay Bereavement Service", "Bereavement Support", "mental_wellbeing", "TU", "10:00", "16:00", 0, (2, "places"),
     "direct", 18, None, "One-to-one support from trained volunteers after a death."),
    ("Bay Bereavement Service", "Coffee and Conversation", "mental_wellbeing,befriending", "TH", "10:30", "12:00", 0,
     None, "signpost", 18, None, "An informal group for people who have lost someone."),
    ("Lighthouse Allotments", "Green Wellbeing Allotment", "mental_wellbeing,physical_activity", "WE,SA", "10:00",
     "13:00", 0, (6, "places"), "direct", 16, None, "Grow food, get outdoors and meet people."),
    ("Bay Advice", "Debt Advice", "money", "MO,TH", "09:30", "16:00", 0, (15, "month"), "direct", 18, None,
     "Free, confidential debt advice and budgeting help."),
    ("Bay Advice", "Benefits Check", "money", "TU,WE", "09:30", "16:00", 0, (4, "week"), "direct", 18, None,
     "A full benefits check and help to claim."),
    ("Bay Advice", "Energy Bills Help", "money,housing", "FR", "10:00", "13:00", 0, None, "signpost", 18, None,
     "Advice on energy debt, warm home grants and switching."),
    ("Credit Union of the Coast", "Affordable Loans and Saving", "money", "MO,WE,FR", "10:00", "15:00", None, None,
     "signpost", 18, None, "Small loans at fair rates and a place to save."),
    ("Saltmarsh Food Bank", "Food Bank", "food,money", "TU,FR", "10:00", "13:00", 0, None, "direct", None, None,
     "Emergency food parcels with a voucher from a referrer."),
    ("Saltmarsh Food Bank", "Community Pantry", "food", "WE", "12:00", "15:00", 3.5, None, "signpost", None, None,
     "Weekly shop worth £15 for a £3.50 membership."),
    ("Cook and Eat Together", "Cook and Eat", "food,befriending", "TH", "17:30", "19:30", 0, (2, "places"),
     "direct", 18, None, "Learn to cook simple meals on a budget, then eat together."),
    ("Meals on Wheels Bay", "Hot Meal Delivery", "food", "MO,TU,WE,TH,FR", "11:30", "13:30", 5.2, None, "direct", None,
     None, "A hot meal delivered to your door with a welfare check."),
    ("Bay Housing Trust", "Housing Options Advice", "housing", "MO,WE", "09:00", "17:00", 0, None, "direct", 18, None,
     "Help with tenancy problems, homelessness and moving home."),
    ("Bay Housing Trust", "Tenancy Sustainment", "housing,money", "", None, None, 0, (3, "places"), "direct", 18, None,
     "A support worker helps you keep your tenancy."),
    ("Care and Repair Saltmarsh", "Handyperson Service", "housing,ltc_support", "MO,TU,WE,TH,FR", "08:30", "16:30",
     None, (20, "month"), "direct", 60, None, "Grab rails, key safes and small repairs; labour free for over-60s."),
    ("Care and Repair Saltmarsh", "Warm Homes Visit", "housing", "", None, None, 0, None, "direct", None, None,
     "Home energy check and draught-proofing."),
    ("Bay Carers Centre", "Carers' Assessment Support", "carers", "MO,TU,WE,TH", "09:00", "17:00", 0, None, "direct", 16,
     None, "Information, advice and help with a carer's assessment."),
    ("Bay Carers Centre", "Carers' Coffee Morning", "carers,befriending", "WE", "10:00", "12:00", 0, None, "signpost",
     16, None, "Meet other carers; sitting service available on request."),
    ("Bay Carers Centre", "Carers' Break Grants", "carers,money", "", None, None, 0, (5, "month"), "direct", 16, None,
     "Small grants for a break from caring."),
    ("Young Carers Bay", "Young Carers Club", "carers", "TU", "16:00", "18:00", 0, (12, "places"), "direct", 8, 17,
     "Activities and a break for young carers aged 8 to 17."),
    ("Breathe Easy Saltmarsh", "Breathe Easy Group", "ltc_support,befriending", "MO", "14:00", "16:00", 0, None,
     "signpost", 18, None, "Support group for people living with lung conditions."),
    ("Diabetes Bay", "Diabetes Support Group", "ltc_support", "TH", "18:30", "20:00", 0, None, "signpost", 18, None,
     "Monthly talks and peer support for people with diabetes."),
    ("Stroke Club Saltmarsh", "Stroke Survivors Club", "ltc_support,befriending", "FR", "10:00", "12:00", 0,
     (2, "places"), "direct", 18, None, "Weekly club with activities and transport for stroke survivors."),
    ("Parkinson's Bay Branch", "Parkinson's Exercise and Social", "ltc_support,physical_activity", "WE", "11:00",
     "13:00", 0, None, "signpost", 18, None, "Exercise to music followed by a social lunch."),
    ("Arthritis Action Group", "Arthritis Self-management Course", "ltc_support", "TU", "13:00", "15:00", 0,
     (10, "places"), "direct", 18, None, "Six-week course on pain, pacing and keeping active."),
    ("Heart to Heart Bay", "Cardiac Rehab Maintenance", "ltc_support,physical_activity", "TH", "09:30", "10:30", 3,
     None, "signpost", 18, None, "Phase 4 exercise for people after a heart event."),
    ("Bay Works", "Employment Support", "employment", "MO,TU,WE,TH", "09:00", "16:00", 0, (10, "month"), "direct", 18,
     64, "One-to-one help into work, including people with health conditions."),
    ("Bay Works", "CV and Interview Clinic", "employment", "FR", "10:00", "12:00", 0, None, "signpost", 16, None,
     "Drop in with your CV."),
    ("Bay Adult Learning", "Adult Learning Courses", "employment,arts", "MO,WE", "10:00", "12:00", None, None,
     "signpost", 19, None, "English, maths, computing and creative courses."),
    ("Volunteer Centre Bay", "Volunteering Matchmaker", "employment,befriending", "TU,TH", "10:00", "15:00", 0, None,
     "direct", 16, None, "Find a volunteering role that suits you."),
    ("Age Concern Coast", "Later Life Advice", "money,housing", "MO,TU,WE,TH,FR", "09:00", "17:00", 0, None, "direct",
     60, None, "Advice on benefits, care and housing for older people."),
    ("Age Concern Coast", "Day Centre", "befriending,food", "MO,WE,FR", "10:00", "15:00", 18, (3, "places"), "direct",
     65, None, "A day out with lunch, activities and transport."),
    ("Age Concern Coast", "Silver Line Bay", "befriending", "", None, None, 0, None, "signpost", 55, None,
     "Free confidential phone line, day and night."),
    ("Bay Community Transport", "Dial-a-Ride", "befriending", "MO,TU,WE,TH,FR", "08:00", "18:00", 2, None, "direct",
     None, None, "Door-to-door minibus for people who cannot use buses."),
    ("Cliffside Gardening Club", "Community Garden", "physical_activity,mental_wellbeing", "TU", "10:00", "12:00", 0,
     None, "signpost", None, None, "Help tend the cliff-top garden."),
    ("Dunesby Dance", "Tea Dance", "physical_activity,arts,befriending", "SU", "14:00", "16:30", 3, None, "signpost",
     None, None, "Sequence and ballroom dancing with tea."),
    ("Bay Recovery Hub", "Alcohol Recovery Support", "ltc_support,mental_wellbeing", "MO,TH", "18:00", "19:30", 0, None,
     "direct", 18, None, "Mutual aid and one-to-one recovery support."),
    ("Marshfield WI", "Craft and Chat", "arts,befriending", "TH", "14:00", "16:00", 1, None, "signpost", None, None,
     "Crafts and company in the village hall."),
)

ELIGIBILITY = {
    "Food Bank": "People in crisis, with a voucher from a referrer",
    "Carers' Assessment Support": "Unpaid carers living or caring in the PCN area",
    "Young Carers Club": "Young carers aged 8 to 17",
    "Memory Café": "People living with dementia and the people who care for them",
    "Exercise on Referral": "Referral from a GP, nurse or link worker; medically stable",
    "Employment Support": "Out of work or at risk of losing work because of health",
}
TEMPORARILY_CLOSED = ("Open Studio", "Cardiac Rehab Maintenance")
INACTIVE = ("Friday Fish Supper",)
PRIVATE_NOTES = {
    "Knit and Natter": "Ask for Maureen; hearing loop in the small hall.",
    "Home visiting befriending": "Volunteers need 2 weeks to match; say if a woman volunteer is preferred.",
    "Food Bank": "Vouchers from the practice reception too.",
    "Debt Advice": "Quickest via the online form; phone queue long on Mondays.",
}


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("directory")
    ctx.shared["directory_capacity"] = {}
    with ctx.db.transaction() as session:
        locations = []
        for name, street, town, postcode in VENUES:
            location_id = _uuid(rng)
            locations.append(DirectoryLocation(
                oruk_id=location_id, name=name, location_type="physical", address_oruk_id=address_id_for(location_id),
                address_1=street, city=town, postal_code=postcode, country="GB", updated_by="demo"))
        organisations: dict[str, DirectoryOrganisation] = {}
        for index, (org, name, categories, days, opens, closes, cost, capacity, method, low, high, text) in \
                enumerate(SERVICES):
            if org not in organisations:
                organisations[org] = DirectoryOrganisation(
                    oruk_id=_uuid(rng), name=org, description=f"{org} is a local charity in Saltmarsh Bay.",
                    email=f"hello@{org.lower().replace(' ', '').replace(chr(39), '')[:20]}.example.org",
                    website=f"https://{org.lower().replace(' ', '-').replace(chr(39), '')[:24]}.example.org",
                    phone=f"01632 960{index:03d}", source="manual", updated_by="demo")
            # Most verified in the last six months; about one in five is stale.
            age_days = int(rng.integers(200, 500)) if rng.random() < 0.2 else int(rng.integers(5, 170))
            status = ("temporarily closed" if name in TEMPORARILY_CLOSED else
                      "inactive" if name in INACTIVE else "active")
            service = DirectoryService(
                oruk_id=_uuid(rng), organisation=organisations[org], name=name, description=text, status=status,
                minimum_age=low, maximum_age=high, email=organisations[org].email, url=organisations[org].website,
                eligibility=ELIGIBILITY.get(name),
                service_area="Saltmarsh Bay PCN area", source="manual", referral_method=method,
                capacity=capacity[0] if capacity else None, capacity_unit=capacity[1] if capacity else "places",
                last_verified=ctx.today - timedelta(days=age_days), private_notes=PRIVATE_NOTES.get(name, ""),
                fees=f"£{cost:.2f} a session" if cost else None, updated_by="demo",
                last_modified=None,
            )
            service.categories = [DirectoryServiceCategory(category=c) for c in categories.split(",")]
            if days or opens:
                venue = locations[int(rng.integers(0, len(locations)))]
                service.locations.append(DirectoryServiceLocation(oruk_id=_uuid(rng), location=venue))
                service.schedules.append(DirectorySchedule(
                    oruk_id=_uuid(rng), freq="WEEKLY" if days else None, interval=1 if days else None,
                    byday=days or None, opens_at=_time(opens), closes_at=_time(closes),
                    valid_from=date(ctx.today.year - 1, 1, 1)))
            service.contacts.append(DirectoryContact(
                oruk_id=_uuid(rng), name=("Pat", "Jo", "Sam", "Chris", "Alex", "Lesley")[index % 6] + " (coordinator)",
                phone=f"01632 960{100 + index:03d}", phone_oruk_id=_uuid(rng)))
            if cost is not None:
                service.cost_options.append(DirectoryCostOption(
                    oruk_id=_uuid(rng), option="Per session" if cost else "Everyone", amount=float(cost)))
            service.is_free = infer_is_free([float(cost)] if cost is not None else [], service.fees)
            session.add(service)
            if capacity and capacity[1] == "places" and capacity[0] <= 3 and status == "active":
                ctx.shared["directory_capacity"][name] = capacity[0]
