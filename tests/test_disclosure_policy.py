"""Who may see exact counts, what every export gets, and the threshold setting."""

import pytest

from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.disclosure import can_see_exact, checked_mode, set_threshold
from pcn_assistant.services.security import (
    ADMIN,
    CLINICAL_DIRECTOR,
    LINK_WORKER,
    LOCAL_ADMIN,
    PRACTICE_MANAGER,
    Actor,
)
from pcn_assistant.services.variation import compute_variation, export_variation
from pcn_assistant.store.models import AuditEvent

ROWS = ("practice_code,indicator_code,period,numerator,denominator\n"
        "A12345,flu_65_plus,2026-27 Q1,9,40\nB23456,flu_65_plus,2026-27 Q1,700,1000\n"
        "C34567,flu_65_plus,2026-27 Q1,500,900\n")


@pytest.mark.parametrize("role, exact", [(LINK_WORKER, True), (CLINICAL_DIRECTOR, True), (ADMIN, False),
                                         (PRACTICE_MANAGER, False)])
def test_exact_counts_on_screen_by_role_and_never_in_an_export(role, exact):
    actor = Actor("someone", role, practice_code="A12345" if role == PRACTICE_MANAGER else None)
    assert can_see_exact(actor) is exact
    if exact:
        assert checked_mode(actor, "none", export=False) == "none"
    else:
        with pytest.raises(PermissionDenied):
            checked_mode(actor, "none", export=False)
    with pytest.raises(PermissionDenied, match="always protected"):
        checked_mode(actor, "none", export=True)
    assert checked_mode(actor, "nhs-round5", export=True) == "nhs-round5"
    with pytest.raises(InvalidInput):
        checked_mode(actor, "sometimes", export=False)


def test_exact_view_is_audited_and_workbook_refuses_none(sqlite_db, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(ROWS, encoding="utf-8")
    director = Actor("cd", CLINICAL_DIRECTOR)
    with pytest.raises(PermissionDenied):
        export_variation(sqlite_db, LOCAL_ADMIN, tmp_path / "x.xlsx", indicators_file=path, suppression="none")
    assert not (tmp_path / "x.xlsx").exists()
    from pcn_assistant.services.variation import import_indicators
    from pcn_assistant.store.models import Practice

    with sqlite_db.transaction() as session:
        session.add_all([Practice(ods_code=c, name=c) for c in ("A12345", "B23456", "C34567")])
    import_indicators(sqlite_db, LOCAL_ADMIN, path)
    compute_variation(sqlite_db, director, suppression="none")
    with sqlite_db.session() as session:
        events = session.query(AuditEvent).filter(AuditEvent.action == "disclosure.exact").all()
    assert [e.user_name for e in events] == ["cd"]


def test_threshold_can_be_raised_not_lowered(sqlite_db, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(ROWS, encoding="utf-8")
    from pcn_assistant.services.variation import import_indicators
    from pcn_assistant.store.models import Practice

    with sqlite_db.transaction() as session:
        session.add_all([Practice(ods_code=c, name=c) for c in ("A12345", "B23456", "C34567")])
    import_indicators(sqlite_db, LOCAL_ADMIN, path)
    frame = compute_variation(sqlite_db, LOCAL_ADMIN).frame.set_index("practice_code")
    assert frame.loc["A12345", "numerator"] == 9  # 9 is above NHS Digital's 7
    with pytest.raises(InvalidInput):
        set_threshold(sqlite_db, LOCAL_ADMIN, 5)
    with pytest.raises(PermissionDenied):
        set_threshold(sqlite_db, Actor("pm", PRACTICE_MANAGER, practice_code="A12345"), 10)
    assert set_threshold(sqlite_db, LOCAL_ADMIN, 10) == 10
    frame = compute_variation(sqlite_db, LOCAL_ADMIN).frame.set_index("practice_code")
    assert frame.loc["A12345", "numerator"] == "*"
