"""The domain's vocabulary: self-assessed statuses, 整改 answers, goal levels, recognition stages, 督办 levels."""

from __future__ import annotations

__all__ = ["STATUSES", "RESPONSE_STATUSES", "GOAL_LEVELS", "RECOGNITION_STAGES", "LEVELS"]

STATUSES = ("已完成", "超进度", "达进度", "欠进度")
RESPONSE_STATUSES = ("已整改", "整改中")  # the drop-down; 已整改 makes the item 待核实
GOAL_LEVELS = ("国家级", "省级", "泉州市级", "其他")  # 成效目标 levels, highest first
RECOGNITION_STAGES = ("未申报", "已申报", "评审中", "公示", "已认定", "未获认定")
LEVELS: tuple[str, ...] = ("提醒", "督办", "挂牌督办")  # 督办 levels, 1..3
