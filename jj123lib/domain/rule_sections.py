"""Each section of ``rules.yaml``, checked and returned as plain values.

:func:`jj123lib.domain.rules.load_rules` runs every checker here (and :mod:`jj123lib.domain.rule_annual`'s) when it
reads the file, so a bad value in any section fails on the first command that reads the rules, naming the file,
the key and the value. Every check is one of :mod:`jj123lib.domain.rule_checks`: numbers finite and in range,
switches YAML booleans, keys known. The checkers also take a hand-made mapping (tests, an analyst's experiment);
then ``source`` defaults to ``"rules"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jj123lib.core.clock import parse_day
from jj123lib.core.exceptions import Jj123Error, ParameterError, RulesError
from jj123lib.domain import lights
from jj123lib.domain.rule_checks import (
    MAX_DAYS,
    Source,
    count,
    flag,
    is_count,
    is_number,
    is_quarter_key,
    number,
    only_keys,
    section_of,
    shown,
)
from jj123lib.domain.tiers import TIERS, tier_from_user
from jj123lib.domain.vocab import LEVELS

__all__ = ["SECTIONS", "quota_minimums", "rating_rules", "scoring_rules", "loop_rules", "LOOP_SECTIONS",
           "unit_scoring_rules", "co_unit_rules", "DEFAULT_SIGNAL_RULES", "signal_rules", "DocumentSettings",
           "document_settings", "required_tiers", "show_leader_scores", "shown", "unknown_sections"]

# Every section a rules file may have; any other is refused (a misspelt section would silently be ignored).
# ``projection`` is the year-end forecast's section.
SECTIONS = ("quota", "ratings", "scoring", "deadlines", "duban", "verification", "coordination", "flags",
            "unit_scoring", "co_units", "reports", "documents", "benchmarks", "benchmark_signals", "annual_review",
            "projection")
MAX_QUARTERS = 12  # a run of quarters the rules count: three years


def quota_minimums(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, int]:
    """The per-leader minimum task count for each tier."""
    quota = section_of(rules, "quota", source)
    only_keys(quota, ("minimum_per_leader",), "quota", source)
    minimums = quota.get("minimum_per_leader")
    if not isinstance(minimums, Mapping):
        raise RulesError(str(source), f"缺少 quota.minimum_per_leader{shown(minimums) if minimums else ''}")
    only_keys(minimums, TIERS, "quota.minimum_per_leader", source)
    return {tier: count(minimums, tier, f"quota.minimum_per_leader.{tier}", source, most=1000) for tier in TIERS}


_RATING_KEYS = ("green_max_behind", "yellow_max_behind", "done_requires_pct", "missed_milestone_consecutive_red",
                "missed_milestone_min_light", "no_plan_light", "missing_counts_as")


def rating_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``ratings:`` section, checked: thresholds are percentage points with green ≤ yellow."""
    section = section_of(rules, "ratings", source)
    only_keys(section, _RATING_KEYS, "ratings", source)
    out: dict[str, Any] = {key: number(section, key, f"ratings.{key}", source, most=100)
                           for key in ("green_max_behind", "yellow_max_behind")}
    out["done_requires_pct"] = number(section, "done_requires_pct", "ratings.done_requires_pct", source,
                                      most=100, positive=True)
    if out["green_max_behind"] > out["yellow_max_behind"]:
        raise RulesError(str(source), "ratings.green_max_behind 不能大于 ratings.yellow_max_behind（现为 "
                                      f"{section.get('green_max_behind')} 与 {section.get('yellow_max_behind')}）")
    out["missed_milestone_consecutive_red"] = count(section, "missed_milestone_consecutive_red",
                                                    "ratings.missed_milestone_consecutive_red", source, least=1,
                                                    most=MAX_QUARTERS)
    for key in ("missed_milestone_min_light", "no_plan_light", "missing_counts_as"):
        value = section.get(key)
        if value not in ("green", "yellow", "red"):
            raise RulesError(str(source), f"ratings.{key} 应为 green、yellow 或 red{shown(value)}")
        out[key] = value
    return out


def scoring_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``scoring:`` section, checked: points per light and weight per tier."""
    section = section_of(rules, "scoring", source)
    only_keys(section, ("light_points", "tier_weights"), "scoring", source)
    points = section.get("light_points")
    weights = section.get("tier_weights")
    if not isinstance(points, Mapping) or not isinstance(weights, Mapping):
        raise RulesError(str(source), "scoring 段应含 light_points 与 tier_weights")
    only_keys(points, lights.RATED, "scoring.light_points", source)
    only_keys(weights, TIERS, "scoring.tier_weights", source)
    return {"light_points": {light: number(points, light, f"scoring.light_points.{light}", source)
                             for light in lights.RATED},
            "tier_weights": {tier: number(weights, tier, f"scoring.tier_weights.{tier}", source, positive=True)
                             for tier in TIERS}}


# The supervision loop's sections of rules.yaml, with their defaults.
_LOOP_DEFAULTS: dict[str, dict[str, Any]] = {
    "deadlines": {"report_day_of_next_month": 10, "plan_month_day": "01-31", "quarter_overrides": {}},
    "duban": {"triggers": {"red": "督办", "missing": "督办", "yellow_twice": "提醒", "milestone_twice": "提醒"},
              "due_days": 15, "follow_up_days": 15, "interview": False},
    "verification": {"required_for_done": True, "claimed_counts_as": "green", "evidence_max_mb": 500},
    "coordination": {"same_item_min_ratio": 0.6},
    "flags": {"jump_points": 40, "min_text_chars": 10, "stuck_min_quarters": 3, "backdated_days": 5,
              "vague_words": ["继续", "持续", "进一步", "加快", "积极", "稳步", "推进", "做好", "加强", "落实", "开展",
                              "相关", "工作", "各项"]},
}
LOOP_SECTIONS: tuple[str, ...] = tuple(_LOOP_DEFAULTS)
_TRIGGERS = ("red", "missing", "yellow_twice", "milestone_twice", "recognition_refused", "rank_fell")
MAX_EVIDENCE_MB = 4096  # the most the rules may allow for one evidence file


def loop_rules(rules: Mapping[str, Any], section: str, source: Source = "rules") -> dict[str, Any]:
    """One loop section of ``rules.yaml`` merged over its defaults, checked."""
    where = str(source)
    given = section_of(rules, section, source, required=False)
    only_keys(given, _LOOP_DEFAULTS[section], section, source)
    out = {**_LOOP_DEFAULTS[section], **given}
    if section == "duban":
        triggers = out["triggers"]
        if not isinstance(triggers, Mapping) or any(k not in _TRIGGERS or v not in LEVELS for k, v in triggers.items()):
            raise RulesError(where, f"duban.triggers 的键应为 {'、'.join(_TRIGGERS)}，值应为 {'、'.join(LEVELS)}"
                                    f"{shown(triggers)}")
        for key in ("due_days", "follow_up_days"):
            out[key] = count(out, key, f"duban.{key}", source, least=1, most=MAX_DAYS)
        flag(out, "interview", "duban.interview", source)
    if section == "coordination":
        ratio = out["same_item_min_ratio"]
        if not is_number(ratio) or not 0 < float(ratio) <= 1:
            raise RulesError(where, f"coordination.same_item_min_ratio 应在 0 与 1 之间{shown(ratio)}")
    if section == "deadlines":
        _check_deadlines(out, source)
    if section == "verification":
        flag(out, "required_for_done", "verification.required_for_done", source)
        if out["claimed_counts_as"] not in lights.RATED:
            raise RulesError(where, f"verification.claimed_counts_as 应为 {'、'.join(lights.RATED)} 之一"
                                    f"{shown(out['claimed_counts_as'])}")
        number(out, "evidence_max_mb", "verification.evidence_max_mb", source, most=MAX_EVIDENCE_MB, positive=True)
    if section == "flags":
        _check_flags(out, source)
    return out


def _check_deadlines(out: Mapping[str, Any], source: Source) -> None:
    where = str(source)
    count(out, "report_day_of_next_month", "deadlines.report_day_of_next_month", source, least=1, most=28)
    month_day = out["plan_month_day"]
    try:
        if not isinstance(month_day, str):
            raise ValueError(month_day)
        month, day = (int(part) for part in month_day.split("-"))
        date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError:
        raise RulesError(where, f"deadlines.plan_month_day 应写作 月-日，如 \"01-31\"{shown(month_day)}") from None
    overrides = out["quarter_overrides"] or {}
    if not isinstance(overrides, Mapping):
        raise RulesError(where, f"deadlines.quarter_overrides 应为键值对（季度 → 截止日期）{shown(overrides)}")
    for quarter, value in overrides.items():
        if not is_quarter_key(quarter):
            raise RulesError(where, f"deadlines.quarter_overrides 的键应为季度，如 2026Q4{shown(quarter)}")
        try:
            if not isinstance(value, (str, date)):
                raise ValueError(value)
            parse_day(str(value))
        except (Jj123Error, ValueError):
            raise RulesError(where, f"deadlines.quarter_overrides.{quarter} 应写作 YYYY-MM-DD{shown(value)}") from None


def _check_flags(out: Mapping[str, Any], source: Source) -> None:
    number(out, "jump_points", "flags.jump_points", source, most=100)
    count(out, "min_text_chars", "flags.min_text_chars", source, most=10_000)
    count(out, "stuck_min_quarters", "flags.stuck_min_quarters", source, least=1, most=MAX_QUARTERS)
    count(out, "backdated_days", "flags.backdated_days", source, most=MAX_DAYS)
    words = out["vague_words"]
    if not isinstance(words, list) or not all(isinstance(word, str) and word.strip() for word in words):
        raise RulesError(str(source), f"flags.vague_words 应为词语列表{shown(words)}")


_RED_BOARD = ("top_per_group", "min_score", "require_verified_done")
_YELLOW_BOARD = ("red_as_lead", "red_as_co", "missing", "overdue_duban")


def unit_scoring_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``unit_scoring:`` section, checked, as plain values."""
    section = section_of(rules, "unit_scoring", source)
    only_keys(section, ("lead_weight", "co_weight", "co_units_share_missing", "red_board", "yellow_board"),
              "unit_scoring", source)
    red, yellow = section.get("red_board"), section.get("yellow_board")
    if not isinstance(red, Mapping) or not isinstance(yellow, Mapping):
        raise RulesError(str(source), "unit_scoring 段应含 red_board 与 yellow_board")
    only_keys(red, _RED_BOARD, "unit_scoring.red_board", source)
    only_keys(yellow, _YELLOW_BOARD, "unit_scoring.yellow_board", source)
    return {
        "lead_weight": number(section, "lead_weight", "unit_scoring.lead_weight", source, positive=True),
        "co_weight": number(section, "co_weight", "unit_scoring.co_weight", source),
        "co_units_share_missing": flag(section, "co_units_share_missing", "unit_scoring.co_units_share_missing",
                                       source),
        "top_per_group": count(red, "top_per_group", "unit_scoring.red_board.top_per_group", source, least=1,
                               most=1000),
        "min_score": number(red, "min_score", "unit_scoring.red_board.min_score", source),
        # Absent in an older rules file: the 红榜 still asks for a verified result.
        "red_verified_done": flag({"require_verified_done": True, **red}, "require_verified_done",
                                  "unit_scoring.red_board.require_verified_done", source),
        **{f"yellow_{key}": flag(yellow, key, f"unit_scoring.yellow_board.{key}", source) for key in _YELLOW_BOARD},
    }


def co_unit_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """The ``co_units:`` section, checked: whether co-units (配合单位) owe a quarterly report (default: no)."""
    section = section_of(rules, "co_units", source, required=False)
    only_keys(section, ("must_report",), "co_units", source)
    return {"must_report": flag({"must_report": False, **section}, "must_report", "co_units.must_report", source)}


DEFAULT_SIGNAL_RULES: dict[str, Any] = {
    "affects_light": False,
    "rank_drop_min": 1,
    "behind_benchmark_pct": 10,
    "off_pace_pct": 10,
    "stalled_quarters": 2,
}


def signal_rules(rules: Mapping[str, Any], source: Source = "rules") -> dict[str, Any]:
    """``benchmark_signals:`` merged over :data:`DEFAULT_SIGNAL_RULES`, checked."""
    given = section_of(rules, "benchmark_signals", source, required=False)
    only_keys(given, DEFAULT_SIGNAL_RULES, "benchmark_signals", source)
    out = {**DEFAULT_SIGNAL_RULES, **given}
    flag(out, "affects_light", "benchmark_signals.affects_light", source)
    count(out, "rank_drop_min", "benchmark_signals.rank_drop_min", source, least=1, most=10_000)
    count(out, "stalled_quarters", "benchmark_signals.stalled_quarters", source, least=1, most=MAX_QUARTERS)
    for key in ("behind_benchmark_pct", "off_pace_pct"):
        number(out, key, f"benchmark_signals.{key}", source, most=999)
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
        if not is_count(days) or not 1 <= days <= MAX_DAYS:
            raise RulesError(where, f"documents.{key} 应为 1–{MAX_DAYS} 的整数{shown(days)}")
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
    section = section_of(rules, "benchmarks", source, required=False)
    only_keys(section, ("require_for_tiers",), "benchmarks", source)
    names = section.get("require_for_tiers", [])
    if names is not None and not isinstance(names, (list, tuple)):
        raise RulesError(str(source), f"benchmarks.require_for_tiers 应为层级列表{shown(names)}")
    try:
        return {tier_from_user(str(name)) for name in names or []}
    except ParameterError as exc:
        raise RulesError(str(source), f"benchmarks.require_for_tiers 中的层级无效{shown(exc.value)}") from None


def show_leader_scores(rules: Mapping[str, Any], source: Source = "rules") -> bool:
    """``reports.show_leader_scores`` (off unless turned on)."""
    section = section_of(rules, "reports", source, required=False)
    only_keys(section, ("show_leader_scores",), "reports", source)
    return flag({"show_leader_scores": False, **section}, "show_leader_scores", "reports.show_leader_scores", source)


def unknown_sections(rules: Mapping[str, Any], source: Source = "rules") -> None:
    """Refuse a top-level section not in :data:`SECTIONS`."""
    only_keys(rules, SECTIONS, "规则文件顶层", source)
