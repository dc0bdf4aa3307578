"""Each section of ``rules.yaml``, checked and returned as plain values.

:func:`jj123lib.domain.rules.load_rules` runs every checker here when it reads the file, so a bad
value in any section fails on the first command that reads the rules, naming the file, the key and the
value. The checkers also take a hand-made mapping (tests, an analyst's experiment); then ``source``
defaults to ``"rules"``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jj123lib.core.clock import parse_day
from jj123lib.core.exceptions import Jj123Error, ParameterError, RulesError
from jj123lib.domain import lights
from jj123lib.domain.tiers import TIERS, tier_from_user
from jj123lib.domain.vocab import GOAL_LEVELS, LEVELS

__all__ = ["quota_minimums", "rating_rules", "scoring_rules", "loop_rules", "LOOP_SECTIONS", "unit_scoring_rules",
           "co_unit_rules", "OUTCOMES", "ANNUAL_FLOORS", "DONE", "BASIC", "UNDONE", "annual_rules",
           "DEFAULT_SIGNAL_RULES",
           "signal_rules", "DocumentSettings", "document_settings", "required_tiers", "show_leader_scores"]

Source = str | os.PathLike[str]


def shown(value: object) -> str:
    """A value as a message quotes it: ``（现为“…”）``, or ``（未填写）`` when absent."""
    return "（未填写）" if value is None else f"（现为“{value}”）"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def quota_minimums(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, int]:
    """The per-leader minimum task count for each tier."""
    try:
        minimums = rules["quota"]["minimum_per_leader"]
    except (KeyError, TypeError):
        raise RulesError(str(source), "缺少 quota.minimum_per_leader") from None
    out: dict[str, int] = {}
    for tier in TIERS:
        value: Any = minimums.get(tier) if isinstance(minimums, Mapping) else None
        if not _is_count(value) or value < 0:
            raise RulesError(str(source), f"quota.minimum_per_leader.{tier} 应为非负整数{shown(value)}")
        out[tier] = value
    return out


def rating_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``ratings:`` section, checked: thresholds are numbers with green ≤ yellow."""
    section = rules.get("ratings") if isinstance(rules, Mapping) else None
    if not isinstance(section, Mapping):
        raise RulesError(str(source), "缺少 ratings 段")
    out: dict[str, Any] = {}
    for key in ("green_max_behind", "yellow_max_behind", "done_requires_pct"):
        value: Any = section.get(key)
        if not _is_number(value) or value < 0:
            raise RulesError(str(source), f"ratings.{key} 应为非负数{shown(value)}")
        out[key] = float(value)
    if out["green_max_behind"] > out["yellow_max_behind"]:
        raise RulesError(str(source), "ratings.green_max_behind 不能大于 ratings.yellow_max_behind（现为 "
                                      f"{section.get('green_max_behind')} 与 {section.get('yellow_max_behind')}）")
    consecutive: Any = section.get("missed_milestone_consecutive_red")
    if not _is_count(consecutive) or consecutive < 1:
        raise RulesError(str(source), f"ratings.missed_milestone_consecutive_red 应为正整数{shown(consecutive)}")
    out["missed_milestone_consecutive_red"] = consecutive
    for key in ("missed_milestone_min_light", "no_plan_light", "missing_counts_as"):
        value = section.get(key)
        if value not in ("green", "yellow", "red"):
            raise RulesError(str(source), f"ratings.{key} 应为 green、yellow 或 red{shown(value)}")
        out[key] = value
    return out


def scoring_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``scoring:`` section, checked: points per light and weight per tier."""
    section = rules.get("scoring") if isinstance(rules, Mapping) else None
    if not isinstance(section, Mapping):
        raise RulesError(str(source), "缺少 scoring 段")
    points = section.get("light_points")
    weights = section.get("tier_weights")
    if not isinstance(points, Mapping) or not isinstance(weights, Mapping):
        raise RulesError(str(source), "scoring 段应含 light_points 与 tier_weights")
    out_points: dict[str, float] = {}
    for light in lights.RATED:
        value: Any = points.get(light)
        if not _is_number(value):
            raise RulesError(str(source), f"scoring.light_points.{light} 应为数值{shown(value)}")
        out_points[light] = float(value)
    out_weights: dict[str, float] = {}
    for tier in TIERS:
        value = weights.get(tier)
        if not _is_number(value) or value <= 0:
            raise RulesError(str(source), f"scoring.tier_weights.{tier} 应为正数{shown(value)}")
        out_weights[tier] = float(value)
    return {"light_points": out_points, "tier_weights": out_weights}


# The supervision loop's sections of rules.yaml, with their defaults.
_LOOP_DEFAULTS: dict[str, dict[str, Any]] = {
    "deadlines": {"report_day_of_next_month": 10, "plan_month_day": "01-31", "quarter_overrides": {}},
    "duban": {"triggers": {"red": "督办", "missing": "督办", "yellow_twice": "提醒", "milestone_twice": "提醒"},
              "due_days": 15, "follow_up_days": 15, "interview": False},
    "verification": {"required_for_done": True, "claimed_counts_as": "green"},
    "coordination": {"same_item_min_ratio": 0.6},
    "flags": {"jump_points": 40, "min_text_chars": 10, "stuck_min_quarters": 3, "backdated_days": 5,
              "vague_words": ["继续", "持续", "进一步", "加快", "积极", "稳步", "推进", "做好", "加强", "落实", "开展",
                              "相关", "工作", "各项"]},
}
LOOP_SECTIONS: tuple[str, ...] = tuple(_LOOP_DEFAULTS)
_TRIGGERS = ("red", "missing", "yellow_twice", "milestone_twice", "recognition_refused", "rank_fell")


def loop_rules(rules: Mapping[str, Any], section: str, source: Source = "rules") -> dict[str, Any]:
    """One loop section of ``rules.yaml`` merged over its defaults, checked."""
    where = str(source)
    given = rules.get(section) if isinstance(rules, Mapping) else None
    if given is not None and not isinstance(given, Mapping):
        raise RulesError(where, f"{section} 段应为键值对{shown(given)}")
    out = {**_LOOP_DEFAULTS[section], **(given or {})}
    if section == "duban":
        triggers = out["triggers"]
        if not isinstance(triggers, Mapping) or any(k not in _TRIGGERS or v not in LEVELS for k, v in triggers.items()):
            raise RulesError(where, f"duban.triggers 的键应为 {'、'.join(_TRIGGERS)}，值应为 {'、'.join(LEVELS)}"
                                    f"{shown(triggers)}")
        if not _is_count(out["due_days"]) or out["due_days"] < 1:
            raise RulesError(where, f"duban.due_days 应为正整数{shown(out['due_days'])}")
        if not _is_count(out["follow_up_days"]) or out["follow_up_days"] < 1:
            raise RulesError(where, f"duban.follow_up_days 应为正整数{shown(out['follow_up_days'])}")
        if not isinstance(out["interview"], bool):
            raise RulesError(where, f"duban.interview 应为 true 或 false{shown(out['interview'])}")
    if section == "coordination":
        ratio = out["same_item_min_ratio"]
        if not _is_number(ratio) or not 0 < float(ratio) <= 1:
            raise RulesError(where, f"coordination.same_item_min_ratio 应在 0 与 1 之间{shown(ratio)}")
    if section == "deadlines":
        _check_deadlines(out, where)
    if section == "verification":
        required = out["required_for_done"]
        if not isinstance(required, bool):
            raise RulesError(where, f"verification.required_for_done 应为 true 或 false{shown(required)}")
        if out["claimed_counts_as"] not in lights.RATED:
            raise RulesError(where, f"verification.claimed_counts_as 应为 {'、'.join(lights.RATED)} 之一"
                                    f"{shown(out['claimed_counts_as'])}")
    if section == "flags":
        _check_flags(out, where)
    return out


def _check_deadlines(out: Mapping[str, Any], where: str) -> None:
    day = out["report_day_of_next_month"]
    if not _is_count(day) or not 1 <= day <= 28:
        raise RulesError(where, f"deadlines.report_day_of_next_month 应为 1–28 的整数{shown(day)}")
    month_day = out["plan_month_day"]
    try:
        month, day = (int(part) for part in str(month_day).split("-"))
        date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError:
        raise RulesError(where, f"deadlines.plan_month_day 应写作 月-日，如 01-31{shown(month_day)}") from None
    overrides = out["quarter_overrides"] or {}
    if not isinstance(overrides, Mapping):
        raise RulesError(where, f"deadlines.quarter_overrides 应为键值对（季度 → 截止日期）{shown(overrides)}")
    for quarter, value in overrides.items():
        try:
            parse_day(str(value))
        except Jj123Error:
            raise RulesError(where, f"deadlines.quarter_overrides.{quarter} 应写作 YYYY-MM-DD{shown(value)}") from None


def _check_flags(out: Mapping[str, Any], where: str) -> None:
    if not _is_number(out["jump_points"]) or out["jump_points"] < 0:
        raise RulesError(where, f"flags.jump_points 应为非负数{shown(out['jump_points'])}")
    for key, least in (("min_text_chars", 0), ("stuck_min_quarters", 1), ("backdated_days", 0)):
        if not _is_count(out[key]) or out[key] < least:
            raise RulesError(where, f"flags.{key} 应为{'非负' if least == 0 else '正'}整数{shown(out[key])}")
    words = out["vague_words"]
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise RulesError(where, f"flags.vague_words 应为词语列表{shown(words)}")


def _unit_number(section: Mapping[str, Any], key: str, source: str, *, positive: bool = False) -> float:
    value: Any = section.get(key)
    if not _is_number(value) or value < 0 or (positive and value <= 0):
        raise RulesError(source, f"unit_scoring.{key} 应为{'正数' if positive else '非负数'}{shown(value)}")
    return float(value)


def _unit_flag(section: Mapping[str, Any], key: str, source: str, where: str) -> bool:
    value: Any = section.get(key)
    if not isinstance(value, bool):
        raise RulesError(source, f"unit_scoring.{where}{key} 应为 true 或 false{shown(value)}")
    return value


def unit_scoring_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``unit_scoring:`` section, checked, as plain values."""
    where = str(source)
    section = rules.get("unit_scoring") if isinstance(rules, Mapping) else None
    if not isinstance(section, Mapping):
        raise RulesError(where, "缺少 unit_scoring 段")
    red, yellow = section.get("red_board"), section.get("yellow_board")
    if not isinstance(red, Mapping) or not isinstance(yellow, Mapping):
        raise RulesError(where, "unit_scoring 段应含 red_board 与 yellow_board")
    top: Any = red.get("top_per_group")
    if not _is_count(top) or top < 1:
        raise RulesError(where, f"unit_scoring.red_board.top_per_group 应为正整数{shown(top)}")
    min_score: Any = red.get("min_score")
    if not _is_number(min_score):
        raise RulesError(where, f"unit_scoring.red_board.min_score 应为数值{shown(min_score)}")
    return {
        "lead_weight": _unit_number(section, "lead_weight", where, positive=True),
        "co_weight": _unit_number(section, "co_weight", where),
        "co_units_share_missing": _unit_flag(section, "co_units_share_missing", where, ""),
        "top_per_group": top, "min_score": float(min_score),
        # Absent in an older rules file: the 红榜 still asks for a verified result.
        "red_verified_done": _unit_flag({"require_verified_done": True, **red}, "require_verified_done", where,
                                        "red_board."),
        **{f"yellow_{key}": _unit_flag(yellow, key, where, "yellow_board.")
           for key in ("red_as_lead", "red_as_co", "missing", "overdue_duban")},
    }


def co_unit_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``co_units:`` section, checked: whether co-units (配合单位) owe a quarterly report (default: no)."""
    section = rules.get("co_units", {}) if isinstance(rules, Mapping) else {}
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise RulesError(str(source), f"co_units 应为键值对{shown(section)}")
    value: Any = section.get("must_report", False)
    if not isinstance(value, bool):
        raise RulesError(str(source), f"co_units.must_report 应为 true 或 false{shown(value)}")
    return {"must_report": value}


# The year-end review's outcomes, best first (``annual_review.outcome_points`` gives each its points).
DONE, BASIC, UNDONE = "完成", "基本完成", "未完成"
OUTCOMES: tuple[str, ...] = (DONE, BASIC, UNDONE)


def _annual_num(section: Mapping[str, Any], key: str, where: str, source: str) -> float:
    value: Any = section.get(key)
    if not _is_number(value) or value < 0:
        raise RulesError(source, f"annual_review.{where}{key} 应为非负数{shown(value)}")
    return float(value)


def _annual_bool(section: Mapping[str, Any], key: str, where: str, source: str) -> bool:
    value: Any = section.get(key)
    if not isinstance(value, bool):
        raise RulesError(source, f"annual_review.{where}{key} 应为 true 或 false{shown(value)}")
    return value


def _annual_section(parent: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value: Any = parent.get(key)
    if not isinstance(value, Mapping):
        raise RulesError(source, f"annual_review.{key} 应为键值对{shown(value)}")
    return value


def _annual_ratio(section: Mapping[str, Any], key: str, where: str, source: str, default: float) -> float:
    """A share between 0 and 1 (a missing key: ``default``)."""
    if key not in section:
        return default
    value = _annual_num(section, key, where, source)
    if value > 1:
        raise RulesError(source, f"annual_review.{where}{key} 应在 0 与 1 之间{shown(value)}")
    return value


# The floors (保底) a task's outcome never falls below: what earns one, as the rules key names it.
ANNUAL_FLOORS = ("verified_done", "recognition_at_goal")


def _annual_floors(section: Mapping[str, Any], source: str) -> dict[str, str]:
    """``annual_review.floors``: each floor's outcome (a missing section: no floor)."""
    floors: Any = section.get("floors", {}) or {}
    if not isinstance(floors, Mapping):
        raise RulesError(source, f"annual_review.floors 应为键值对{shown(floors)}")
    out = {}
    for key, value in floors.items():
        if key not in ANNUAL_FLOORS:
            raise RulesError(source, f"annual_review.floors 的键应为 {'、'.join(ANNUAL_FLOORS)}{shown(key)}")
        if value not in OUTCOMES:
            raise RulesError(source, f"annual_review.floors.{key} 应为 {'、'.join(OUTCOMES)} 之一{shown(value)}")
        out[str(key)] = str(value)
    return out


def annual_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``annual_review:`` section checked, with the weights it shares with the 红黄榜, as plain values."""
    where = str(source)
    section = rules.get("annual_review") if isinstance(rules, Mapping) else None
    if not isinstance(section, Mapping):
        raise RulesError(where, "缺少 annual_review 段")
    complete, basic = _annual_section(section, "complete", where), _annual_section(section, "basic", where)
    points, bonus, minus = (_annual_section(section, k, where)
                            for k in ("outcome_points", "recognition_points", "deductions"))
    levels = GOAL_LEVELS
    if set(points) != set(OUTCOMES):
        raise RulesError(where, f"annual_review.outcome_points 应给出 {'、'.join(OUTCOMES)} 的分值"
                                f"{shown('、'.join(map(str, points)))}")
    if not set(bonus) <= set(levels):
        raise RulesError(where, f"annual_review.recognition_points 的级别应为 {'、'.join(levels)}"
                                f"{shown('、'.join(map(str, bonus)))}")
    unit_rules = unit_scoring_rules(rules, source)
    show = section.get("show_leader_scores", False)
    if not isinstance(show, bool):
        raise RulesError(where, f"annual_review.show_leader_scores 应为 true 或 false{shown(show)}")
    return {
        "complete_min_progress": _annual_num(complete, "min_progress", "complete.", where),
        "complete_verified": _annual_bool(complete, "require_verified_done", "complete.", where),
        "complete_min_milestones": _annual_num(complete, "min_milestone_ratio", "complete.", where),
        "complete_targets": _annual_bool(complete, "require_targets", "complete.", where),
        "complete_recognition": _annual_bool(complete, "require_recognition", "complete.", where),
        "basic_min_progress": _annual_num(basic, "min_progress", "basic.", where),
        "basic_min_milestones": _annual_num(basic, "min_milestone_ratio", "basic.", where),
        "complete_min_attainment": _annual_ratio(complete, "min_target_attainment", "complete.", where, 1.0),
        "basic_min_attainment": _annual_ratio(basic, "min_target_attainment", "basic.", where, 0.8),
        "floors": _annual_floors(section, where),
        "undone_in_proportion": _annual_bool(section, "undone_points_in_proportion", "", where)
        if "undone_points_in_proportion" in section else False,
        "outcome_points": {k: _annual_num(points, k, "outcome_points.", where) for k in OUTCOMES},
        "recognition_points": {k: _annual_num(bonus, k, "recognition_points.", where) if k in bonus else 0.0
                               for k in levels},
        "missing": _annual_num(minus, "missing", "deductions.", where),
        "late": _annual_num(minus, "late", "deductions.", where),
        "overdue_duban": _annual_num(minus, "overdue_duban", "deductions.", where),
        "tier_weights": dict(scoring_rules(rules, source)["tier_weights"]),
        "lead_weight": unit_rules["lead_weight"],
        "co_weight": unit_rules["co_weight"],
        "show_leader_scores": show,
    }


DEFAULT_SIGNAL_RULES: dict[str, Any] = {
    "affects_light": False,
    "rank_drop_min": 1,
    "behind_benchmark_pct": 10,
    "off_pace_pct": 10,
    "stalled_quarters": 2,
}


def signal_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """``benchmark_signals:`` merged over :data:`DEFAULT_SIGNAL_RULES`, checked."""
    where = str(source)
    given = rules.get("benchmark_signals")
    if given is not None and not isinstance(given, Mapping):
        raise RulesError(where, f"benchmark_signals 段应为键值对{shown(given)}")
    out = {**DEFAULT_SIGNAL_RULES, **(given or {})}
    unknown = sorted(set(out) - set(DEFAULT_SIGNAL_RULES))
    if unknown:
        raise RulesError(where, f"benchmark_signals 中有未知的键：{'、'.join(map(str, unknown))}")
    if not isinstance(out["affects_light"], bool):
        raise RulesError(where, f"benchmark_signals.affects_light 应为 true 或 false{shown(out['affects_light'])}")
    for key in ("rank_drop_min", "stalled_quarters"):
        if not _is_count(out[key]) or out[key] < 1:
            raise RulesError(where, f"benchmark_signals.{key} 应为正整数{shown(out[key])}")
    for key in ("behind_benchmark_pct", "off_pace_pct"):
        if not _is_number(out[key]) or not 0 <= out[key] < 1000:
            raise RulesError(where, f"benchmark_signals.{key} 应为 0 以上的百分数{shown(out[key])}")
    return out


_DOCUMENT_DEFAULTS: dict[str, Any] = {
    "issuer": "晋江市人民政府督查室",
    "bulletin_number": "晋政督通〔    〕  号",  # blank for the office to fill in when none is given
    "cuibao_number": "晋政督催〔    〕  号",
    "cuibao_days": 5,  # the 催报通知's new deadline: this many days after it is issued
    "reply_days": 10,  # the 通报's 整改方案 and 佐证材料: due this many days after it is issued
    "contact": "",  # blank: a line left for the office to fill in by hand
    "phone": "",
    "submit_by": "",
    "cc": [],
    "printer": "",  # 印发机关; blank: the issuer
    "note": "",  # 附注, e.g. （此件公开发布）
    "basis": "",
    "praise": "予以通报表扬",
    "criticism": "予以通报批评",
    "yellow_consequence": "",
}
# The keys a rules file may set in documents: (and, but for "quarters", in documents.quarters.<quarter>).
_DOCUMENT_TEXTS = ("issuer", "bulletin_number", "cuibao_number", "contact", "phone", "submit_by", "printer",
                   "note", "basis", "praise", "criticism", "yellow_consequence")


@dataclass(frozen=True)
class DocumentSettings:
    """The ``documents:`` section of ``rules.yaml`` for one quarter: what heads, signs and closes each document."""

    issuer: str
    bulletin_number: str
    cuibao_number: str
    issue_date: date | None  # None: the day the document is made
    cuibao_days: int
    reply_days: int = 10
    contact: str = ""  # the office's 联系人 and 电话, in every document
    phone: str = ""
    submit_by: str = ""  # 报送方式: where and how units send their forms
    cc: tuple[str, ...] = ()  # 抄送 in the 版记
    printer: str = ""  # 印发机关 in the 版记 (the issuer when blank)
    note: str = ""  # 附注 under the date
    basis: str = ""  # 督办依据: the notice the tasks come from
    praise: str = "予以通报表扬"  # the 红榜's wording
    criticism: str = "予以通报批评"  # the 黄榜's wording
    yellow_consequence: str = ""  # what a unit on the 黄榜 must do, stated in the 通报


def document_settings(quarter: str, rules: Mapping[str, Any], source: Source = "rules") -> DocumentSettings:
    """Issuer, 文号, 签发 date, contact, 版记 for ``quarter``: ``documents.quarters.<quarter>`` over ``documents``."""
    where = str(source)
    section = rules.get("documents") or {}
    if not isinstance(section, Mapping):
        raise RulesError(where, f"documents 段应为键值对{shown(section)}")
    quarters = section.get("quarters") or {}
    if not isinstance(quarters, Mapping):
        raise RulesError(where, f"documents.quarters 应为键值对（季度 → 文号、签发日期）{shown(quarters)}")
    mine = quarters.get(quarter) or {}
    if not isinstance(mine, Mapping):
        raise RulesError(where, f"documents.quarters.{quarter} 应为键值对{shown(mine)}")
    merged = {**_DOCUMENT_DEFAULTS, **{k: v for k, v in section.items() if k != "quarters"}, **mine}
    unknown = sorted(str(k) for k in merged if k not in _DOCUMENT_DEFAULTS and k != "issue_date")
    if unknown:
        raise RulesError(where, f"documents 中有未知的键：{'、'.join(unknown)}")
    issued: Any = merged.get("issue_date")
    try:
        issue_date = None if issued in (None, "") else date.fromisoformat(str(issued))
    except ValueError:
        raise RulesError(where, f"documents.quarters.{quarter}.issue_date 应写作 YYYY-MM-DD{shown(issued)}") from None
    counts = {}
    for key in ("cuibao_days", "reply_days"):
        days = merged[key]
        if not _is_count(days) or days < 1:
            raise RulesError(where, f"documents.{key} 应为正整数{shown(days)}")
        counts[key] = days
    texts = {}
    for key in _DOCUMENT_TEXTS:
        value = "" if merged[key] is None else merged[key]
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise RulesError(where, f"documents.{key} 应为文字{shown(value)}")
        texts[key] = str(value).strip()
    for key in ("issuer", "praise", "criticism"):
        if not texts[key]:
            raise RulesError(where, f"documents.{key} 不能为空")
    cc: Any = merged["cc"] or []
    if not isinstance(cc, (list, tuple)) or not all(isinstance(x, str) and x.strip() for x in cc):
        raise RulesError(where, f"documents.cc 应为抄送机关名称的列表{shown(cc)}")
    return DocumentSettings(
        issuer=texts["issuer"], bulletin_number=texts["bulletin_number"], cuibao_number=texts["cuibao_number"],
        issue_date=issue_date, cuibao_days=counts["cuibao_days"], reply_days=counts["reply_days"],
        contact=texts["contact"], phone=texts["phone"], submit_by=texts["submit_by"],
        cc=tuple(x.strip() for x in cc), printer=texts["printer"], note=texts["note"], basis=texts["basis"],
        praise=texts["praise"], criticism=texts["criticism"], yellow_consequence=texts["yellow_consequence"])


def required_tiers(rules: Mapping[str, Any], source: Source = "rules") -> set[str]:
    """Tiers (keys of :data:`jj123lib.domain.tiers.TIERS`) whose plan must hold a benchmark, from ``benchmarks:``."""
    section = rules.get("benchmarks") or {}
    names = section.get("require_for_tiers", []) if isinstance(section, Mapping) else []
    if names is not None and not isinstance(names, (list, tuple)):
        raise RulesError(str(source), f"benchmarks.require_for_tiers 应为层级列表{shown(names)}")
    try:
        return {tier_from_user(str(name)) for name in names or []}
    except ParameterError as exc:
        raise RulesError(str(source), f"benchmarks.require_for_tiers 中的层级无效{shown(exc.value)}") from None


def show_leader_scores(rules: Mapping[str, Any], source: Source = "rules") -> bool:
    """``reports.show_leader_scores`` (off unless turned on)."""
    section = rules.get("reports") or {}
    if not isinstance(section, Mapping):
        return False
    value: Any = section.get("show_leader_scores", False)
    if not isinstance(value, bool):
        raise RulesError(str(source), f"reports.show_leader_scores 应为 true 或 false{shown(value)}")
    return value
