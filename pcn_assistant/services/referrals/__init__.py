"""Social prescribing referrals: lifecycle, capacity, returns workbooks, outcomes and GP coding."""
