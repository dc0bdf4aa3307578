"""The 公文 documents' content from the ledger: 督查通报, 督办单 and 催报通知 for a quarter and ``as_of``.

The builders in :mod:`~jj123lib.documents.bulletin`, :mod:`~jj123lib.documents.duban` and
:mod:`~jj123lib.documents.cuibao` take plain dataclasses; this module fills them from the quarter's one
assessment (:func:`jj123lib.loop.assessment.assess_quarter`: the lights, the units' 红黄榜, the 督办 items,
the 催报 list), so no document decides anything of its own. No leader score or rank goes into any of them.
The 文号, issuing office and 签发 date come from the ``documents:`` section of ``rules.yaml``
(:func:`document_meta`), the one place both ``jj123 bulletin`` and ``jj123 batch`` read.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from jj123lib.core.clock import china_today
from jj123lib.domain.rule_sections import DocumentSettings, document_settings

if TYPE_CHECKING:  # python-docx and pandas load only when a document is made
    import pandas as pd
    from docx.document import Document as DocxDocument

    from jj123lib.documents.bulletin import Bulletin, LeagueEntry
    from jj123lib.documents.cuibao import CuibaoEntry
    from jj123lib.documents.duban import DubanItem
    from jj123lib.documents.layout import DocMeta, Office
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.assessment import Assessment

__all__ = ["DOCUMENT_KINDS", "DocumentSettings", "document_settings", "document_meta", "bulletin_data",
           "bulletin_facts", "league_entries", "open_duban", "duban_data", "cuibao_data", "cuibao_deadline",
           "DUBAN_REQUIREMENTS", "DUBAN_MISSING", "DocumentMaker", "document_stamp", "office", "contact_notices"]

DOCUMENT_KINDS = {"bulletin": "督查通报", "duban": "督办单", "cuibao": "催报通知"}
DUBAN_REQUIREMENTS = {  # by level (vocab.ALL_LEVELS; 约谈 only when the rules switch it on)
    "提醒": "请对照年度计划和季度节点目标查找原因，加快推进，于办结时限前书面反馈办理情况。",
    "督办": "请单位主要负责同志亲自研究，制定整改措施、明确完成时限，于办结时限前书面反馈办理情况，"
          "督查室将跟踪核实。",
    "挂牌督办": "本事项已挂牌督办。请单位主要负责同志牵头，倒排工期、逐项销号，于办结时限前书面反馈办理情况；"
              "逾期未办结的，在督查通报中予以通报。",
    "约谈": "本事项挂牌督办后仍逾期未办结，已列入约谈。请单位主要负责同志按通知时间到市政府督查室接受约谈，"
          "书面说明未按期整改的原因和整改措施，于办结时限前反馈办理情况。",
}
# A missing report is asked for at once: 立即补报, not a 整改 plan.
DUBAN_MISSING = ("请立即补报本季度工作进展，并书面说明逾期未报送的原因和责任落实情况；于办结时限前书面反馈办理情况，"
                 "逾期仍未报送的，在督查通报中予以通报。")


def document_stamp(kind: str, quarter: str, *, as_of: date | None = None, item: tuple[str, date] | None = None,
                   doc_number: str | None = None, issue_date: date | None = None,
                   rules: Mapping[str, Any] | None = None) -> tuple[str, date, str]:
    """(文号, 签发 date, issuing office) of one document, without loading python-docx.

    A 督办单 (``item`` = its ID and the day it was issued) is numbered by its ID in words
    (``督办编号：2026年第三季度第4号``) and dated the day the item was issued; the others take the quarter's
    文号 and 签发 date from the rules, the date defaulting to ``as_of`` (today). ``doc_number`` and
    ``issue_date`` override the rules.
    """
    settings = document_settings(quarter, _rules_or_default(rules))
    if kind == "duban":
        from jj123lib.loop.duban import duban_number_text

        if item is None:
            raise ValueError("a 督办单 needs its item")
        number, day = f"督办编号：{duban_number_text(item[0])}", item[1]
    else:
        number = settings.bulletin_number if kind == "bulletin" else settings.cuibao_number
        day = settings.issue_date or as_of or china_today()
    return doc_number or number, issue_date or day, settings.issuer


def document_meta(kind: str, quarter: str, *, demo: bool, as_of: date | None = None,
                  item: tuple[str, date] | None = None, doc_number: str | None = None,
                  issue_date: date | None = None, rules: Mapping[str, Any] | None = None) -> DocMeta:
    """The masthead and signature of one document (see :func:`document_stamp`), with the demo mark."""
    from jj123lib.documents.layout import DocMeta

    number, day, issuer = document_stamp(kind, quarter, as_of=as_of, item=item, doc_number=doc_number,
                                         issue_date=issue_date, rules=rules)
    return DocMeta(number, day, issuer=issuer, demo=demo,
                   office=office(document_settings(quarter, _rules_or_default(rules)), demo=demo))


def office(settings: DocumentSettings, *, demo: bool = False) -> Office:
    """The office's contact, 报送方式, 抄送, 印发机关 and 附注 from the ``documents:`` rules.

    A contact the rules leave empty is the demo's marked stand-in for demo data, else a gap to fill
    (:mod:`jj123lib.domain.contact`).
    """
    from jj123lib.documents.layout import Office
    from jj123lib.domain.contact import office_contact

    shown = office_contact(settings.contact, settings.phone, demo=demo)
    return Office(shown.contact, shown.phone, settings.submit_by, settings.cc, settings.printer, settings.note)


def contact_notices(quarter: str, rules: Mapping[str, Any], *, demo: bool) -> list[str]:
    """The warning a command writing documents prints when the rules leave the office's contact empty."""
    from jj123lib.domain.contact import contact_warning

    settings = document_settings(quarter, rules)
    warning = contact_warning(settings.contact, settings.phone, demo=demo)
    return [] if warning is None else [warning]


def league_entries(frame: pd.DataFrame) -> list[LeagueEntry]:
    """Rows of :func:`jj123lib.assess.unit_league.unit_league` as :class:`~jj123lib.documents.bulletin.LeagueEntry`."""
    from jj123lib.core.frames import records
    from jj123lib.documents.bulletin import LeagueEntry

    out = []
    for row in records(frame):
        score = float(row["score"])
        unranked = row["rank"] is None or row["rank"] != row["rank"]  # None, or NaN in a float column
        out.append(LeagueEntry(str(row["group_label"]), None if unranked else int(row["rank"]),
                               str(row["unit"]), None if math.isnan(score) else score, int(row["n_tasks"]),
                               int(row["done"]), int(row["red"]), int(row["missing"]), str(row["board"]),
                               str(row["board_reason"])))
    return out


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _rules_or_default(rules: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The caller's rules; for an analyst's call without them, the default rules file."""
    from jj123lib.domain.rules import load_rules

    return load_rules() if rules is None else rules


def bulletin_data(quarter: str, data_dir: str | os.PathLike[str] | Ledger, *, as_of: date | None = None,
                  rules: Mapping[str, Any] | None = None, units_file: str | os.PathLike[str] | None = None,
                  issue_date: date | None = None) -> Bulletin:
    """The quarter's 督查通报 as a 督查室 writes it (:mod:`jj123lib.documents.prose`), from the one assessment.

    ``issue_date`` (default: the rules' 签发 date, else ``as_of``) dates the 下步工作要求.
    """
    from jj123lib.documents import prose
    from jj123lib.documents.bulletin import Bulletin
    from jj123lib.documents.parts import contact_text
    from jj123lib.domain.quarters import next_quarter, quarter_label, report_deadline
    from jj123lib.domain.rules import rating_rules
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.deadlines import preview_note

    day = as_of or china_today(Ledger.of(data_dir).moment())  # the ledger's moment, as its reads
    rule_set = _rules_or_default(rules)
    settings = document_settings(quarter, rule_set)
    issued = issue_date or settings.issue_date or day
    facts = bulletin_facts(quarter, data_dir, day, rule_set, units_file)
    rated, league, items = facts["rated"], facts["league"], facts["items"]
    states, ratings = facts["states"], rating_rules(rule_set)
    label = quarter_label(quarter)
    following = next_quarter(quarter)
    requirements = prose.requirements(
        yellow_units=[str(r["unit"]) for r in league if r["board"] == "黄榜"],
        missing_units=[str(s["unit"]) for s in states if s["state"] == "未报送"],
        claimed_units=[str(r["lead_unit"]) for r in rated if r["light"] == "claimed"],
        reply_by=issued + timedelta(days=settings.reply_days), report_by=issued + timedelta(days=settings.cuibao_days),
        next_quarter=following, next_deadline=None if following is None else report_deadline(following, rule_set),
        submit_by=settings.submit_by, contact=contact_text(office(settings, demo=_is_demo(data_dir))))
    overview = list(prose.overview(rated, league, quarter, day, len(facts["recognitions"]), settings.praise,
                                   settings.criticism))
    if facts["standing"]:
        overview.append(facts["standing"])
    preview = preview_note(quarter, day, rule_set)
    if preview:  # before the deadline the 通报 is a preview, and says so first
        overview.insert(0, preview)
    return Bulletin(
        prose.bulletin_title(quarter) + ("（预览）" if preview else ""), facts["addressees"], overview,
        league_entries(facts["league_frame"]),
        prose.problems(rated, states, items, facts["flags"], league, ratings, settings.criticism,
                       settings.yellow_consequence),
        requirements,
        preamble=(f"为推动“123”争先进位各项任务落地见效，市政府督查室对全市{len(rated)}项任务{label}推进情况"
                  "进行了督查。现将有关情况通报如下："),
        achievements=prose.achievements(rated, facts["recognitions"], facts["rank_gains"], league, settings.praise),
        supervision=prose.supervision(items, day),
        reporting=prose.reporting(states, quarter, report_deadline(quarter, rule_set)),
        blockers=prose.blockers(facts["blockers"]),
        formula=prose.formula(rule_set), tasks=prose.task_rows(rated), period=label)


def _standing_sentence(signals: pd.DataFrame) -> str:
    """争先进位 in the 通报: tasks refused recognition and tasks whose rank fell, by name; 落后标杆 summarised."""
    from jj123lib.assess.signals import behind_summary

    parts = []
    for kind, what in (("recognition_refused", "成效目标未获认定"), ("rank_fell", "对标指标位次下降")):
        ids = list(dict.fromkeys(signals.loc[signals["kind"] == kind, "task_id"].astype(str)))
        if ids:
            parts.append(f"{'、'.join(ids)} {what}")
    behind = behind_summary(signals)
    if not parts and not behind:
        return ""
    head = f"争先进位方面，{'；'.join(parts)}，请牵头单位分析原因、提出追赶措施。" if parts else "争先进位方面，"
    return head + behind


def _is_demo(data_dir: str | os.PathLike[str] | Ledger) -> bool:
    from jj123lib.core.datadir import is_demo
    from jj123lib.ledger.store import Ledger

    return is_demo(Ledger.of(data_dir).data_dir)


def bulletin_facts(quarter: str, data_dir: str | os.PathLike[str] | Ledger, day: date, rules: Mapping[str, Any],
                   units_file: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Everything the 通报 restates, from the quarter's one assessment, as plain records."""
    from jj123lib.core.frames import records
    from jj123lib.documents import prose
    from jj123lib.domain.quarters import quarter_year
    from jj123lib.domain.units import load_units
    from jj123lib.ledger.benchmarks import recognitions
    from jj123lib.loop.assessment import assess_quarter

    assessment = assess_quarter(quarter, data_dir, as_of=day, rules=rules, units_file=units_file)
    rated, league = assessment.rated, assessment.units
    won = recognitions(data_dir, quarter_year(quarter))
    won = won[(won["quarter"] == quarter) & (won["stage"] == "已认定")]
    titles = dict(zip(rated["task_id"], rated["title"]))
    gains = []
    for row in records(assessment.benchmarks.figures):
        change = row.get("rank_change")
        if change is not None and change == change and change >= 1 and row.get("prev_rank") == row.get("prev_rank"):
            scope = str(row["rank_text"]).rsplit("第", 1)[0].replace("(", "（").replace(")", "）")
            gains.append({"title": titles.get(row["task_id"], ""), "indicator": str(row["indicator"]),
                          "scope": f"在{scope}", "before": int(row["prev_rank"]), "after": int(row["rank"])})
    gains.sort(key=lambda g: g["after"] - g["before"])  # the biggest climbs first
    return {
        "rated": records(rated), "league": records(league), "league_frame": league,
        "items": records(assessment.open_duban),
        "states": records(assessment.states),
        "flags": records(assessment.supervision.flags),
        "recognitions": records(won), "rank_gains": gains,
        "blockers": records(assessment.supervision.blockers),
        "addressees": prose.addressees(load_units(units_file)),
        "standing": _standing_sentence(assessment.benchmarks.signals),
    }


def open_duban(quarter: str, data_dir: str | os.PathLike[str], *, as_of: date | None = None) -> pd.DataFrame:
    """The 督办事项 a 督办单 is made for: issued in ``quarter`` or earlier, not yet closed (销号)."""
    from jj123lib.loop.assessment import assess_quarter

    return assess_quarter(quarter, data_dir, as_of=as_of).open_duban  # default: the ledger's moment


def duban_data(quarter: str, data_dir: str | os.PathLike[str], *, as_of: date | None = None,
               items: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
               assessment: Assessment | None = None) -> dict[str, tuple[DubanItem, date]]:
    """Each open item's 督办单 content and the day it was issued, by item ID.

    The problem says in plain words what triggered the item (the quarter in words, the task's pace and
    milestones when it was triggered in ``quarter``), followed by what the unit itself reported as its
    problems for the task in ``quarter`` (unit text, kept as text). A missing report is asked for at once.
    ``assessment``: the quarter's one assessment when the caller has it.
    """
    from jj123lib.core.frames import records
    from jj123lib.documents.duban import DubanItem
    from jj123lib.documents.prose import plain_state
    from jj123lib.domain.quarters import quarter_label
    from jj123lib.domain.rules import rating_rules
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.ledger.store import Ledger
    from jj123lib.loop.assessment import assess_quarter

    rule_set = _rules_or_default(rules)
    day = as_of or china_today(Ledger.of(data_dir).moment())  # the ledger's moment, as its reads
    if assessment is None:
        assessment = assess_quarter(quarter, data_dir, as_of=day, rules=rule_set)
    frame = assessment.open_duban if items is None else items
    tasks = load_tasks().set_index("task_id")
    submitted = Ledger.of(data_dir).submissions(quarter)
    reported = {(str(r["task_id"]), str(r["unit"])): _text(r["problems"]) for r in records(submitted)}
    rated = {str(r["task_id"]): r for r in records(assessment.rated)}
    ratings = rating_rules(rule_set)
    basis = document_settings(quarter, rule_set).basis
    out: dict[str, tuple[DubanItem, date]] = {}
    for row in records(frame):
        task_id, unit = str(row["task_id"]), str(row["unit"])
        raised = str(row.get("last_trigger_quarter") or row["quarter"])
        problem = f"{quarter_label(raised)}{row['trigger_label']}"
        if raised == quarter and task_id in rated and rated[task_id]["light"] not in ("missing", "pending"):
            said = "milestone" in str(row["trigger"])  # the trigger's label already names the milestones
            state = plain_state(rated[task_id], ratings, milestones=not said, fallback=False)
            problem += f"：{state}" if state else ""
        problem += "。"
        if reported.get((task_id, unit)):
            problem += f"\n单位反映的问题：{reported[(task_id, unit)]}"
        known = task_id in tasks.index
        level = str(row["level_label"])
        missing = "missing" in str(row["trigger"]).split(",")
        item = DubanItem(str(row["id"]), level, unit, task_id, str(tasks.at[task_id, "title"]) if known else "",
                         str(tasks.at[task_id, "leader"]) if known else "", problem,
                         DUBAN_MISSING if missing else DUBAN_REQUIREMENTS.get(level, DUBAN_REQUIREMENTS["督办"]),
                         date.fromisoformat(str(row["due_date"])), basis=basis)
        out[item.number] = (item, date.fromisoformat(str(row["issued_on"])))
    return out


def cuibao_data(quarter: str, data_dir: str | os.PathLike[str], *, as_of: date | None = None,
                frame: pd.DataFrame | None = None, rules: Mapping[str, Any] | None = None,
                units_file: str | os.PathLike[str] | None = None) -> list[CuibaoEntry]:
    """The units past the quarter's deadline with nothing submitted, their tasks and days overdue.

    ``frame``: the 催报 list when the caller has it, else the quarter's assessment's.
    """
    from jj123lib.core.frames import records
    from jj123lib.documents.cuibao import CuibaoEntry, CuibaoTask
    from jj123lib.domain.tasks import load_tasks
    from jj123lib.loop.assessment import assess_quarter

    tasks = load_tasks()
    titles = dict(zip(tasks["task_id"], tasks["title"]))
    if frame is None:
        frame = assess_quarter(quarter, data_dir, as_of=as_of, rules=rules,  # default: the ledger's moment
                               units_file=units_file).supervision.cuibao
    return [CuibaoEntry(str(row["unit"]), [CuibaoTask(str(t), str(titles.get(t, ""))) for t in row["tasks"]],
                        int(row["days_overdue"]), _text(row["reporter"]), _text(row["phone"]))
            for row in records(frame)]


def cuibao_deadline(issued: date, quarter: str, rules: Mapping[str, Any] | None = None) -> date:
    """The 催报通知's new deadline: ``documents.cuibao_days`` after it is issued."""
    return issued + timedelta(days=document_settings(quarter, _rules_or_default(rules)).cuibao_days)


class DocumentMaker:
    """A quarter's documents on one day: reads each kind's data once, builds each document on demand."""

    def __init__(self, quarter: str, data_dir: str | os.PathLike[str], *, as_of: date, demo: bool,
                 rules: Mapping[str, Any] | None = None, tasks: pd.DataFrame | None = None,
                 units_file: str | os.PathLike[str] | None = None) -> None:
        self.quarter = quarter
        self.units_file = units_file  # the units' groups and contacts (None: the default file)
        self.data_dir = data_dir
        self.as_of = as_of
        self.demo = demo
        # The caller's copy: the rules and task table are read once per run. The rules give every
        # document's 文号 and date.
        self.rules = _rules_or_default(rules)
        if tasks is not None:
            self.tasks = tasks

    @cached_property
    def tasks(self) -> pd.DataFrame:
        from jj123lib.domain.tasks import load_tasks

        return load_tasks()

    @cached_property
    def assessment(self) -> Assessment:
        """The quarter's one assessment on ``as_of``, which every document restates."""
        from jj123lib.loop.assessment import assess_quarter

        return assess_quarter(self.quarter, self.data_dir, as_of=self.as_of, rules=self.rules,
                              units_file=self.units_file)

    @cached_property
    def overdue(self) -> pd.DataFrame:
        """The 催报 list on ``as_of``: planning needs no python-docx."""
        return self.assessment.supervision.cuibao

    @cached_property
    def items(self) -> pd.DataFrame:
        """The open 督办事项, one 督办单 each."""
        return self.assessment.open_duban

    @cached_property
    def duban(self) -> dict[str, tuple[DubanItem, date]]:
        return duban_data(self.quarter, self.data_dir, as_of=self.as_of, items=self.items, rules=self.rules,
                          assessment=self.assessment)

    @cached_property
    def cuibao(self) -> list[CuibaoEntry]:
        return cuibao_data(self.quarter, self.data_dir, as_of=self.as_of, frame=self.overdue)

    def issued_on(self, item: str) -> date:
        rows = self.items[self.items["id"] == item]
        return date.fromisoformat(str(rows["issued_on"].iloc[0]))

    def stamp(self, kind: str, item: str | None = None) -> tuple[str, date, str]:
        """(文号, date, issuer) of a document (:func:`document_stamp`)."""
        issued = None if item is None else (item, self.issued_on(item))
        return document_stamp(kind, self.quarter, as_of=self.as_of, item=issued, rules=self.rules)

    def meta(self, kind: str, item: str | None = None) -> DocMeta:
        from jj123lib.documents.layout import DocMeta

        number, day, issuer = self.stamp(kind, item)
        return DocMeta(number, day, issuer=issuer, demo=self.demo,
                       office=office(document_settings(self.quarter, self.rules), demo=self.demo))

    def title(self, kind: str, item: str | None = None) -> str:
        from jj123lib.domain.quarters import quarter_label

        if kind == "duban" and item is not None:
            row = self.items[self.items["id"] == item].iloc[0]
            return f"督办单 {item}（{row['unit']} · {row['task_id']}）"
        return f"{quarter_label(self.quarter)}{DOCUMENT_KINDS[kind]}"

    def build(self, kind: str, item: str | None = None) -> DocxDocument:
        """The document of ``kind`` (``item``: the 督办 item's ID), with its masthead, date and demo mark."""
        from jj123lib.documents.bulletin import build_bulletin
        from jj123lib.documents.cuibao import build_cuibao
        from jj123lib.documents.duban import build_duban
        from jj123lib.domain.quarters import quarter_label, report_deadline

        meta = self.meta(kind, item)
        if kind == "bulletin":
            return build_bulletin(bulletin_data(self.quarter, self.data_dir, as_of=self.as_of, rules=self.rules,
                                                units_file=self.units_file, issue_date=meta.issue_date), meta)
        if kind == "cuibao":
            return build_cuibao(self.cuibao, meta, quarter_label(self.quarter),
                                cuibao_deadline(meta.issue_date, self.quarter, self.rules),
                                due=report_deadline(self.quarter, self.rules), as_of=self.as_of)
        if kind == "duban" and item is not None:
            return build_duban(self.duban[item][0], meta)
        raise ValueError(f"unknown document {kind!r} {item!r}")
