"""The office's contact (联系人, 联系电话) as every document and form prints it.

It is ``documents.contact`` and ``documents.phone`` in ``rules.yaml``, which ship empty: jj123 never invents a
number. Left empty, a demo folder prints a stand-in marked as demo (:data:`DEMO_CONTACT`, :data:`DEMO_PHONE`);
a real folder prints a gap the office cannot miss, naming where to fill it in (:data:`GAP`, :data:`FILL_HINT`),
and the commands that write documents warn, naming the keys (:func:`contact_warning`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CONTACT_KEYS", "DEMO_CONTACT", "DEMO_PHONE", "GAP", "FILL_HINT", "OfficeContact", "office_contact",
           "contact_warning"]

CONTACT_KEYS = {"contact": "联系人", "phone": "联系电话"}  # documents.<key> → what it is
DEMO_CONTACT = "演示 张三（示例）"
DEMO_PHONE = "0595-00000000（示例号码）"
GAP = "＿＿＿＿"  # printed where the rules leave a value empty
FILL_HINT = "（请在 rules.yaml 的 documents 中填写）"


@dataclass(frozen=True)
class OfficeContact:
    """The 联系人 and 电话 to print (empty: not set for a real folder)."""

    contact: str = ""
    phone: str = ""

    @property
    def missing(self) -> list[str]:
        """The ``documents.`` keys left empty."""
        return [f"documents.{key}" for key in CONTACT_KEYS if not getattr(self, key)]

    def sentence(self) -> str:
        """``联系人：…，联系电话：…。`` for a 公文, the gaps and where to fill them shown."""
        return f"联系人：{self.contact or GAP}，联系电话：{self.phone or GAP}{self.hint}。"

    def brief(self) -> str:
        """``联系人 …，电话 …`` for a form's page header (the gaps shown; where to fill them: :attr:`hint`)."""
        return f"联系人 {self.contact or GAP}，电话 {self.phone or GAP}"

    @property
    def hint(self) -> str:
        """Where to fill in what is missing; empty when nothing is."""
        return FILL_HINT if self.missing else ""


def office_contact(contact: str, phone: str, *, demo: bool) -> OfficeContact:
    """The rules' 联系人 and 电话; for demo data, the marked stand-ins where the rules leave them empty."""
    contact, phone = contact.strip(), phone.strip()
    if demo:
        return OfficeContact(contact or DEMO_CONTACT, phone or DEMO_PHONE)
    return OfficeContact(contact, phone)


def contact_warning(contact: str, phone: str, *, demo: bool) -> str | None:
    """The Chinese warning for a real folder whose rules leave the office's contact empty; ``None`` otherwise."""
    missing = office_contact(contact, phone, demo=demo).missing
    if not missing:
        return None
    what = "、".join(f"{key}（{CONTACT_KEYS[key.split('.')[1]]}）" for key in missing)
    return (f"规则文件未填写 {what}：公文和表格中该处印有“{GAP}{FILL_HINT}”，"
            "请在规则文件 documents 段填写督查室联系人和电话后重新生成")
