"""Hostile texts a unit might type (or paste), each carrying a unique marker ``pwnN``.

``(typed, shown)``: what goes into the form cell, and what the reports must show. They differ
only where ingest normalises on purpose: control characters (Excel stores them as ``_x0007_``)
are removed with a note. Used by tests/test_hostile_text.py; counted in docs/reliability.md.
"""

from __future__ import annotations

HOSTILE: list[tuple[str, str]] = [
    ("=cmd|' /C calc'!A0 pwn1", "=cmd|' /C calc'!A0 pwn1"),
    ("+1+cmd|' /C calc'!A0 pwn2", "+1+cmd|' /C calc'!A0 pwn2"),
    ("-2+3 pwn3", "-2+3 pwn3"),
    ("@SUM(1+1)*cmd pwn4", "@SUM(1+1)*cmd pwn4"),
    ("<script>alert('pwn5')</script>", "<script>alert('pwn5')</script>"),
    ("<img src=x onerror=alert('pwn6')>", "<img src=x onerror=alert('pwn6')>"),
    ('"><svg onload=alert(\'pwn7\')>', '"><svg onload=alert(\'pwn7\')>'),
    ("'><iframe src=javascript:alert('pwn8')></iframe>", "'><iframe src=javascript:alert('pwn8')></iframe>"),
    ('<a href="javascript:alert(\'pwn9\')">点我</a>', '<a href="javascript:alert(\'pwn9\')">点我</a>'),
    ("<style>body{display:none}</style>pwn10", "<style>body{display:none}</style>pwn10"),
    ('<div style="position:fixed;inset:0;background:red">pwn11</div>',
     '<div style="position:fixed;inset:0;background:red">pwn11</div>'),
    ("{{ 7*7 }} {{ config }} pwn12", "{{ 7*7 }} {{ config }} pwn12"),
    ("{% raw %}pwn13{% endraw %} {# 注释 #}", "{% raw %}pwn13{% endraw %} {# 注释 #}"),
    ("$$\\int_0^1 x\\,dx$$ pwn14", "$$\\int_0^1 x\\,dx$$ pwn14"),
    ("\\(x^2\\) 与 $x_1$ \\begin{align}pwn15\\end{align}", "\\(x^2\\) 与 $x_1$ \\begin{align}pwn15\\end{align}"),
    ("**加粗pwn16** 与 _斜体_ # 标题", "**加粗pwn16** 与 _斜体_ # 标题"),
    ("[点我pwn17](http://evil.example/) ![图](http://evil.example/x.png)",
     "[点我pwn17](http://evil.example/) ![图](http://evil.example/x.png)"),
    ("`代码pwn18` 与 ```块```", "`代码pwn18` 与 ```块```"),
    ("控制字符pwn19_x0000__x0007__x001B_结束", "控制字符pwn19结束"),
    ("\u202e反向pwn20\u202c 与零宽\u200b字符\u200d", "\u202e反向pwn20\u202c 与零宽\u200b字符\u200d"),
    ("pwn21" + "很长的一行没有任何空格" * 60, "pwn21" + "很长的一行没有任何空格" * 60),
    ("&lt;script&gt; 已转义文本 &amp; &#60;b&#62; pwn22", "&lt;script&gt; 已转义文本 &amp; &#60;b&#62; pwn22"),
    ("<!-- 注释 pwn23 --> <![CDATA[x]]>", "<!-- 注释 pwn23 --> <![CDATA[x]]>"),
    ("</div></td></tr></table><h1>pwn24</h1>", "</div></td></tr></table><h1>pwn24</h1>"),
    ("${7*7} #{7*7} %(x)s {0} pwn25", "${7*7} #{7*7} %(x)s {0} pwn25"),
    ('<base href="http://evil.example/">pwn26', '<base href="http://evil.example/">pwn26'),
    ('<meta http-equiv="refresh" content="0;url=http://evil.example">pwn27',
     '<meta http-equiv="refresh" content="0;url=http://evil.example">pwn27'),
    ("第一行pwn28\n<b>第二行</b>\n\t缩进的第三行", "第一行pwn28\n<b>第二行</b>\n\t缩进的第三行"),
]
FORMULA_STRINGS = [typed for typed, _ in HOSTILE[:4]]  # each starts a cell: =, +, -, @
