"""The office's YAML files (rules, units, opinions) read one way: bounded, strict, in Chinese.

:func:`load_yaml` takes the bytes of a file read with :func:`jj123lib.core.files.read_bounded` and

* keeps the one text rule on the document and on every parsed key and value (:mod:`jj123lib.core.text`);
* refuses nesting deeper than :data:`MAX_YAML_DEPTH` and anchors/aliases (``&a``/``*a``), before anything is
  built, so a hostile file can neither overflow the stack nor expand exponentially;
* refuses a key given twice in one mapping (PyYAML would silently keep the last), naming the key and line;
* turns PyYAML's English errors into a Chinese :class:`YamlRefused` naming the line.

Parsed documents are cached by content (a report reads the same files many times); each caller gets a deep copy.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import yaml

from jj123lib.core.exceptions import Jj123Error
from jj123lib.core.text import check_tree, decode_document, excerpt

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "YamlRefused", "load_yaml"]

MAX_YAML_BYTES = 1024 * 1024  # far above any rules, units or opinions file (the packaged rules: ~12 KB)
MAX_YAML_DEPTH = 16  # the rules nest four levels deep (documents.quarters.2026Q3.issue_date)

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# PyYAML's problems as the office reads them; any other is a plain 格式错误 with its line.
_PROBLEMS_ZH = (
    ("mapping values are not allowed", "此处不能写“键: 值”（冒号后少了空格，或缩进不对）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("cannot start any token", "含不能出现在此处的字符（缩进须用空格，不能用制表符）"),
    ("did not find expected key", "缩进不对，找不到应有的键"),
    ("did not find expected node content", "缺少内容（列表或键值对写得不完整）"),
    ("expected <block end>", "缩进不一致"),
    ("did not find expected ',' or ']'", "方括号列表未闭合"),
    ("did not find expected ',' or '}'", "花括号键值对未闭合"),
    ("unexpected end of stream", "引号或括号未闭合"),
    ("could not determine a constructor", "含不支持的标签（!!…），请只写文字、数字、列表和键值对"),
    ("found unhashable key", "键不能是列表或键值对"),
    ("expected a single document", "只能有一个 YAML 文档（不要用 --- 分隔多份内容）"),
    ("found unknown escape character", "引号内有无效的转义（\\ 后的字符不对）"),
    ("expected escape sequence", "引号内有无效的转义（\\ 后的字符不对）"),
    ("found character that cannot start", "含不能出现在此处的字符"),
)


class YamlRefused(Jj123Error):
    """A YAML file that is not read: the Chinese ``problem``, with its ``line`` when one is known."""

    def __init__(self, problem: str, line: int | None = None, *, syntax: bool = False) -> None:
        self.problem, self.line, self.syntax = problem, line, syntax
        super().__init__(str(self))

    def __str__(self) -> str:
        at = f"第 {self.line} 行：" if self.line else ""
        return f"不是有效的 YAML：{at}{self.problem}" if self.syntax else f"{at}{self.problem}"


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML (libyaml where present) that refuses a key given twice in one mapping."""


class _StrictPyLoader(yaml.SafeLoader):
    """The same in pure Python: it reads escapes libyaml refuses (``"\\uD800"``), so the text rule names them."""


def _unique_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            repeated = key in seen
        except TypeError:  # a list or mapping as a key
            raise YamlRefused("键不能是列表或键值对", key_node.start_mark.line + 1) from None
        if repeated:
            raise YamlRefused(f"键“{excerpt(key)}”重复（同一层中只能出现一次）", key_node.start_mark.line + 1)
        seen.add(key)
    return dict(loader.construct_pairs(node, deep=True))


for _loader in (_StrictLoader, _StrictPyLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _problem(exc: yaml.YAMLError) -> YamlRefused:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    said = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''} {exc}"
    for english, chinese in _PROBLEMS_ZH:
        if english in said:
            return YamlRefused(chinese, line, syntax=True)
    return YamlRefused("格式错误", line, syntax=True)


def _check_shape(text: str, loader: type[Any]) -> None:
    """Depth and aliases from the parser's events: nothing is built yet."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused("不支持锚点和别名（& 与 *），请把内容直接写出", line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise YamlRefused(f"嵌套超过 {MAX_YAML_DEPTH} 层，不予读取", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _load(text: str, events: type[Any], loader: type[Any]) -> Any:
    try:
        _check_shape(text, events)
        return yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader)
    except RecursionError:  # below the depth limit, but a very long flow line
        raise YamlRefused(f"嵌套超过 {MAX_YAML_DEPTH} 层，不予读取") from None


@functools.lru_cache(maxsize=32)
def _parsed(data: bytes, where: str) -> Any:
    if len(data) > MAX_YAML_BYTES:
        raise YamlRefused(f"超过 {MAX_YAML_BYTES // 1024} KB，不予读取")
    text = decode_document(data, where)
    try:
        parsed = _load(text, _BaseLoader, _StrictLoader)
    except yaml.YAMLError as exc:
        if _BaseLoader is yaml.SafeLoader:
            raise _problem(exc) from None
        try:  # libyaml refused: PyYAML's own parser may read it, so the text rule can name the key
            parsed = _load(text, yaml.SafeLoader, _StrictPyLoader)
        except yaml.YAMLError as again:
            raise _problem(again) from None
    check_tree(parsed, where)  # escapes ("\x07", "\uFFFE") pass the parser: every key and value keeps the rule
    return parsed


def load_yaml(data: bytes, where: str = "文件") -> Any:
    """``data`` parsed as above; raises :class:`YamlRefused`, or :class:`~jj123lib.core.text.TextRefused` naming
    the line or key (``where`` heads that message: ``"文件"`` or ``""``). A deep copy: no caller changes
    another's data."""
    return copy.deepcopy(_parsed(data, where))
