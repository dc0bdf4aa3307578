"""Exception hierarchy: one root, specific subclasses with structured fields.

Messages (``str(exc)``) are in Chinese because they reach the office's staff;
the structured fields let code and tests inspect the failure without parsing text.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import sys
import zipfile


class Jj123Error(Exception):
    """Root of every error jj123 raises on purpose."""


class NoticeParseError(Jj123Error):
    """A notice line that could not be read as part of the task list."""

    def __init__(self, line: int, text: str, rule: str, source: str | None = None) -> None:
        self.line = line
        self.text = text
        self.rule = rule
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source} " if self.source else ""
        snippet = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"通知解析失败：{where}第 {self.line} 行：{self.rule}。原文：“{snippet}”"


class TaskTableError(Jj123Error):
    """A task table (CSV) that does not have the canonical shape."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"任务表无效：{self.path}：{self.problem}"


class RulesError(Jj123Error):
    """A rules file (params/rules.yaml) that is missing or malformed."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"规则文件无效：{self.path}：{self.problem}"


class ParameterError(Jj123Error):
    """A user-supplied parameter (leader, tier, quarter…) that is not valid.

    ``valid`` lists the accepted values so the message can show them.
    """

    def __init__(self, name: str, value: object, valid: list[str] | None = None, hint: str = "") -> None:
        self.name = name
        self.value = value
        self.valid = list(valid or [])
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = f"参数 {self.name} 的值“{self.value}”无效"
        if self.hint:
            msg += f"：{self.hint}"
        if self.valid:
            msg += "。可选值：" + "、".join(self.valid)
        return msg


class IngestError(Jj123Error):
    """One problem in a submitted form: where it is (file, sheet, Excel row, column) and which rule it breaks.

    ``sheet``, ``row``, ``column`` and ``value`` are ``None`` when the problem concerns
    the whole file (not a spreadsheet, truncated, missing metadata…).
    """

    def __init__(self, file: str, rule: str, *, sheet: str | None = None, row: int | None = None,
                 column: str | None = None, value: object = None) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"文件 {self.file}"]
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column is not None:
            parts.append(f"列“{self.column}”")
        where = "，".join(parts)
        if self.value is not None and str(self.value) != "":
            return f"{where}：值“{self.value}”{self.rule}。"
        return f"{where}：{self.rule}。"


class IngestRejected(Jj123Error):
    """A file rejected whole; ``errors`` lists every :class:`IngestError` found in it."""

    def __init__(self, file: str, errors: list[IngestError]) -> None:
        self.file = file
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"文件 {self.file} 未导入（发现 {len(self.errors)} 处问题，整份文件退回，台账未改变）："
        return "\n".join([head] + [f"  - {e}" for e in self.errors])


class LedgerError(Jj123Error):
    """A ledger operation that cannot be done (unknown task, demo/real mix-up, bad override…)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)

    def __str__(self) -> str:
        return f"台账操作失败：{self.problem}"


class FontError(Jj123Error):
    """No CJK font could be found for charts (Chinese text would render as boxes)."""

    def __init__(self, searched: list[str], hint: str = "") -> None:
        self.searched = list(searched)
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = "找不到中文字体（Noto Sans CJK SC），图表中的中文将无法显示"
        if self.searched:
            msg += "。已查找：" + "、".join(self.searched)
        msg += "。请安装 fonts-noto-cjk（Debian：apt-get install fonts-noto-cjk），或设置 JJ123_CJK_FONT 指向字体文件"
        if self.hint:
            msg += f"（{self.hint}）"
        return msg


class BrowserError(Jj123Error):
    """Headless Chromium is missing or failed while printing a PDF."""

    INSTALL_HINT = ("请安装 chromium（Debian：apt-get install chromium）"
                    "或设置 JJ123_CHROMIUM 指向 Chrome/Chromium 可执行文件")

    def __init__(self, problem: str, executable: str | None = None, missing: bool = False) -> None:
        self.problem = problem
        self.executable = executable
        self.missing = missing
        super().__init__(str(self))

    def __str__(self) -> str:
        msg = f"无法生成 PDF：{self.problem}"
        if self.missing:
            msg += "。" + self.INSTALL_HINT
        return msg


class OutputBusyError(Jj123Error):
    """Another batch is writing the same output folder right now."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"另一个 jj123 batch 正在写入 {self.path}，请等它完成后再运行（未作任何改动）。"


class OutputPathError(Jj123Error):
    """An output path that exists but is not a regular file (a device, FIFO or socket): never replaced."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"输出路径“{self.path}”不是普通文件（是设备、管道或其他特殊文件），不会被替换；请指定一个普通文件名"


_OS_ERRORS_ZH = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，请给出文件名",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统只读",
    errno.EEXIST: "同名的文件或文件夹已存在",
    errno.ELOOP: "符号链接（快捷方式）循环指向自身，无法打开",
    errno.ENAMETOOLONG: "路径太长",
    errno.ENXIO: "是设备或管道，不是普通文件",
    errno.EIO: "读写设备出错（磁盘或 U 盘可能已损坏或被拔出）",
    errno.EBUSY: "正被占用",
    errno.ETXTBSY: "正被占用",
    errno.EMFILE: "打开的文件过多",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EXDEV: "不能跨磁盘移动",
}


def os_error_zh(exc: OSError) -> str:
    """The reason of an ``OSError`` in Chinese; never the system's English text."""
    known = _OS_ERRORS_ZH.get(exc.errno or 0)
    if known:
        return known
    code = errno.errorcode.get(exc.errno or 0, "未知")
    return f"系统错误（错误代码 {code}）"


class ReportStepError(Jj123Error):
    """One step of one report in a batch failed; the batch records it and goes on with the others.

    ``step`` is a key of :data:`STEPS`; the message names the step in Chinese.
    """

    STEPS = {
        "execute": "执行笔记本",
        "save_notebook": "保存已执行的笔记本",
        "html": "导出 HTML",
        "write_html": "写入 HTML",
        "pdf": "生成 PDF",
        "write_pdf": "写入 PDF",
        "docx": "生成 Word 文档",
        "write_docx": "写入 Word 文档",
        "worker": "启动报告进程",
        "batch": "批量生成",
    }

    def __init__(self, step: str, cause: str) -> None:
        if step not in self.STEPS:
            raise ValueError(f"unknown batch step {step!r}")
        self.step = step
        self.cause = cause
        super().__init__(str(self))

    def __str__(self) -> str:
        label = self.STEPS[self.step]
        space = " " if label[-1].isascii() else ""  # 生成 PDF 时, as Chinese typesetting spaces Latin words
        return f"{label}{space}时出错：{self.cause}"

    def __reduce__(self) -> tuple[type[ReportStepError], tuple[str, str]]:
        # Workers send it back to the batch pickled; the default would call __init__(message).
        return type(self), (self.step, self.cause)

    @classmethod
    def wrap(cls, step: str, exc: BaseException) -> ReportStepError:
        """``exc`` raised during ``step``, described in Chinese where the cause is a known system error."""
        if isinstance(exc, ReportStepError):
            return exc
        return cls(step, describe_cause(exc))


def describe_cause(exc: BaseException) -> str:
    """Chinese description of ``exc``: our own errors as they are, known system and library errors translated."""
    if isinstance(exc, Jj123Error):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f"（{shown_file(exc.filename)}）" if exc.filename else ""
        return f"{os_error_zh(exc)}{where}"
    known = library_error_zh(exc)
    if known is not None:
        return known
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# ---------------------------------------------------------------- library errors in Chinese
SHOWN_CHARS = 120  # a path in a message: at most this many characters, its end kept (the file's name)
_PART = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{6,12}\.part$")  # core.atomic's temporary file beside its target


def shown_file(name: object) -> str:
    """A file name for a message: the target of an atomic write rather than its temporary ``.NAME.xxxx.part``,
    and a long path cut to its last :data:`SHOWN_CHARS` characters."""
    text = os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else str(name)
    head, _, tail = text.rpartition(os.sep)
    part = _PART.match(tail)
    if part:
        text = f"{head}{os.sep}{part.group('name')}" if head or text.startswith(os.sep) else part.group("name")
    text = text.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= c <= "\udfff" for c in text) else text
    return text if len(text) <= SHOWN_CHARS else "…" + text[-(SHOWN_CHARS - 1):]


# SQLite's own messages (stable across versions) and what the office is told; matched in order.
_SQLITE_ZH = (
    ("locked", "正被另一个程序占用（已锁定），请等其完成后重试"),
    ("disk i/o error", "读写时磁盘出错（磁盘或 U 盘可能已损坏、已满或被拔出）"),
    ("malformed", "已损坏（数据库映像格式错误），请从备份恢复，并把日志交给维护人员"),
    ("not a database", "不是有效的 SQLite 数据库文件（可能已损坏或被其他文件替换），请从备份恢复"),
    ("readonly", "是只读的，无法写入（检查文件权限，或磁盘是否只读）"),
    ("read-only", "是只读的，无法写入（检查文件权限，或磁盘是否只读）"),
    ("unable to open", "无法打开（文件夹不存在、无权限或路径有误）"),
    ("full", "无法写入：磁盘空间已满"),
)


def _sqlite_zh(exc: sqlite3.Error, database: str | None) -> str:
    what = f"台账数据库“{shown_file(database)}”" if database else "台账数据库"
    text = str(exc).lower()
    for needle, reason in _SQLITE_ZH:
        if needle in text:
            return f"{what}{reason}"
    code = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    return f"{what}出错（SQLite 错误 {code}），操作未完成"


def _yaml_zh(exc: BaseException) -> str:
    mark = getattr(exc, "problem_mark", None)
    source = getattr(mark, "name", "") if mark is not None else ""
    where = f"“{shown_file(source)}”" if source and not str(source).startswith("<") else ""
    if mark is None:
        return f"YAML 文件{where}格式有误，无法读取"
    return f"YAML 文件{where}第 {mark.line + 1} 行第 {mark.column + 1} 列附近格式有误（如缩进、冒号、引号或括号不配对）"


def library_error_zh(exc: BaseException, *, database: str | None = None) -> str | None:
    """What the office is told of a system or library error, in Chinese and naming the file where known;
    ``None`` for an error not foreseen (a bug: the caller records an incident). ``database`` names the
    ledger a SQLite error concerns. The original stays for the log, never in the message.

    Covers the OSError family (permissions, missing files, a file where a folder should be, a full or
    read-only disk), text that is not UTF-8, YAML syntax, SQLite (locked, disk I/O, malformed), a damaged
    .xlsx (zip) and openpyxl's refusal of a file, and running out of memory.
    """
    if isinstance(exc, OSError) and exc.errno is not None:
        names = [shown_file(n) for n in (exc.filename, exc.filename2) if n]
        where = "“" + "”→“".join(names) + "”" if names else ""
        if exc.errno in (errno.EEXIST, errno.ENOTDIR) and exc.filename and os.path.isfile(exc.filename):
            return f"无法读写{where}：这是一个文件，不是文件夹"  # a file where the path needs a folder
        return f"无法读写{where}：{os_error_zh(exc)}"
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start:exc.start + 1].hex().upper() if exc.object else ""
        return (f"文本不是有效的 {exc.encoding.upper()} 编码（第 {exc.start + 1} 个字节 0x{byte} 无法识别）；"
                "请用 UTF-8 编码另存该文件后重试")
    if isinstance(exc, UnicodeEncodeError):
        char = exc.object[exc.start:exc.start + 1]
        return f"含无法按 {exc.encoding.upper()} 编码保存的字符 U+{ord(char):04X}" if char else "含无法保存的字符"
    if isinstance(exc, sqlite3.Error):
        return _sqlite_zh(exc, database)
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile)):
        return "文件不是有效的 .xlsx（zip）文件：可能已损坏，或只复制了一部分；请用 Excel 或 WPS 重新保存为 .xlsx"
    yaml = sys.modules.get("yaml")  # never imported here: an error of a module not loaded cannot occur
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        return _yaml_zh(exc)
    openpyxl_errors = sys.modules.get("openpyxl.utils.exceptions")
    if openpyxl_errors is not None and isinstance(exc, openpyxl_errors.InvalidFileException):
        return "文件不是 Excel 能打开的 .xlsx 工作簿（或扩展名不对）；请用 Excel 或 WPS 另存为 .xlsx"
    if isinstance(exc, MemoryError):
        return "内存不足，操作未完成（文件可能过大）"
    return None
