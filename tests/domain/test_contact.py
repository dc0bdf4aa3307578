"""The office's contact as documents and forms print it: the rules' own, the demo's marked stand-ins, or a gap."""

from __future__ import annotations

from jj123lib.domain.contact import DEMO_CONTACT, DEMO_PHONE, FILL_HINT, GAP, contact_warning, office_contact


def test_the_rules_own_contact_is_printed_as_it_is() -> None:
    shown = office_contact(" 王督查 ", "0595-85600001", demo=True)
    assert shown.sentence() == "联系人：王督查，联系电话：0595-85600001。" and not shown.missing
    assert contact_warning("王督查", "0595-85600001", demo=False) is None


def test_demo_data_gets_a_stand_in_marked_as_demo_never_a_real_number() -> None:
    shown = office_contact("", "", demo=True)
    assert (shown.contact, shown.phone) == (DEMO_CONTACT, DEMO_PHONE)
    assert "示例" in shown.contact and "示例" in shown.phone and "00000000" in shown.phone
    assert contact_warning("", "", demo=True) is None


def test_a_real_folder_gets_a_visible_gap_and_a_warning_naming_the_keys() -> None:
    shown = office_contact("", "", demo=False)
    assert shown.sentence() == f"联系人：{GAP}，联系电话：{GAP}{FILL_HINT}。"
    assert shown.brief() == f"联系人 {GAP}，电话 {GAP}" and shown.hint == FILL_HINT
    warning = contact_warning("", "", demo=False)
    assert warning is not None and "documents.contact（联系人）" in warning and "documents.phone（联系电话）" in warning
    half = contact_warning("王督查", "", demo=False)
    assert half is not None and "documents.phone" in half and "documents.contact" not in half
    assert office_contact("王督查", "", demo=False).sentence() == f"联系人：王督查，联系电话：{GAP}{FILL_HINT}。"
