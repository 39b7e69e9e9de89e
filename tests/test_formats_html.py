"""Tests for zhagen.formats.html: main-text extraction, charsets, titles, bad input."""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest

from zhagen.errors import InputError
from zhagen.formats import read_records
from zhagen.formats.html import read_html

NEWS_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>以高水平科技创新赋能新质生产力_理论_江西日报</title>
<style>.x { color: red } /* 样式里的中文 */</style>
<script>var s = "脚本里的中文不应出现";</script>
</head><body>
<div class="topbar"><a href="/">首页</a> | <a href="/news">新闻中心</a> | <a href="/login">登录</a></div>
<div id="mainNav"><ul><li><a href="/1">要闻</a></li><li><a href="/2">理论</a></li></ul></div>
<div class="wrap">
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/t">理论</a></div>
  <div class="left">
    <h1>以高水平科技创新赋能新质生产力</h1>
    <div class="info">2024-04-01 来源：江西日报</div>
    <div class="TRS_Editor">
      <p>&nbsp;&nbsp;“以科技创新引领现代化产业体系建设”是今年经济工作九项重点任务之首。</p>
      <p>　　现代化产业竞争的本质是科技竞争，科技创新是发展新质
      生产力的核心要素。Innovation matters.</p>
      <p>第一，强化企业科技创新主体地位。<br>第二，推动创新链产业链深度融合。</p>
      <table><tr><td>指标</td><td>数值</td></tr><tr><td>研发<b>投入</b></td><td>3.3万亿元</td></tr></table>
      <pre>代码  保留
  缩进</pre>
      <div class="xgyd"><h3>相关阅读</h3><ul>
        <li><a href="/a">新质生产力的内涵是什么</a></li>
        <li><a href="/b">科技创新如何赋能产业发展</a></li>
        <li><a href="/c">专家解读政府工作报告要点</a></li></ul></div>
      <p style="display:none">隐藏的文字不应出现</p>
    </div>
    <div class="share-box">分享到：<a>微信</a><a>微博</a></div>
    <div id="comments"><p>网友评论：写得很好，支持新质生产力发展！</p></div>
  </div>
  <aside><h3>热点排行</h3><ol><li><a href="/h1">热点新闻一二三四五六</a></li></ol></aside>
  <div class="rightSidebar"><p>侧栏推荐阅读的文字内容比较少。</p></div>
</div>
<div class="footer">版权所有 江西日报社 赣ICP备12345号 联系电话：0791-86847609</div>
</body></html>
"""

NEWS_TEXT = "\n".join(
    [
        "“以科技创新引领现代化产业体系建设”是今年经济工作九项重点任务之首。",
        "现代化产业竞争的本质是科技竞争，科技创新是发展新质生产力的核心要素。Innovation matters.",
        "第一，强化企业科技创新主体地位。",
        "第二，推动创新链产业链深度融合。",
        "指标\t数值",
        "研发投入\t3.3万亿元",
        "代码  保留",
        "缩进",
    ]
)

BOILERPLATE = [
    "首页",
    "新闻中心",
    "要闻",
    "当前位置",
    "相关阅读",
    "分享到",
    "网友评论",
    "热点",
    "侧栏",
    "版权所有",
    "脚本",
    "样式",
    "隐藏",
]


def assert_clear(exc: InputError, path: Path | str) -> None:
    """One clear bilingual error: names the file, Chinese and English, says what to do."""
    assert exc.file == str(path)
    assert str(path) in str(exc)
    assert re.search(r"[\u4e00-\u9fff]", exc.zh), exc.zh
    assert not re.search(r"[\u4e00-\u9fff]", exc.en), exc.en
    actions = ("add", "save", "run", "check", "remove", "download", "split", "raise", "copy")
    assert any(word in exc.en for word in actions), exc.en


def test_news_page_main_text(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_bytes(NEWS_PAGE.encode("gb18030"))
    (rec,) = read_html(path)
    assert rec.text == NEWS_TEXT
    for junk in BOILERPLATE:
        assert junk not in rec.text, junk
    assert rec.title == "以高水平科技创新赋能新质生产力"
    assert (rec.format, rec.type, rec.record, rec.source) == ("html", "document", 1, str(path))
    (via,) = read_records(path)
    assert via.format == "html" and via.text == NEWS_TEXT


@pytest.mark.parametrize(
    ("declared", "encoding", "text"),
    [
        ("utf-8", "utf-8", "新质生产力是创新起主导作用的先进生产力质态。"),
        ("GBK", "gbk", "新质生产力是创新起主导作用的先进生产力质态。"),
        ("big5", "big5", "新質生產力是創新起主導作用的先進生產力質態。"),
        (None, "gb18030", "新质生产力是创新起主导作用的先进生产力质态。"),
        (None, "utf-8", "新质生产力是创新起主导作用的先进生产力质态。"),
        ("utf-8", "gb18030", "新质生产力是创新起主导作用的先进生产力质态。"),  # a wrong meta
        ("utf-16", "utf-8", "新质生产力是创新起主导作用的先进生产力质态。"),  # impossible meta
    ],
)
def test_charsets(declared: str | None, encoding: str, text: str) -> None:
    meta = f'<meta charset="{declared}">' if declared else ""
    page = f"<html><head>{meta}<title>文件</title></head><body><p>{text}</p></body></html>"
    (rec,) = read_html(io.BytesIO(page.encode(encoding)), name="p.html")
    assert rec.text == text
    assert rec.title == "文件"


def test_bom_and_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="gb2312"?><html><body><p>新质生产力，发展。</p></body></html>'
    )
    (rec,) = read_html(io.BytesIO(page.encode("gb18030")), name="x.xhtml")
    assert rec.text == "新质生产力，发展。"
    (rec,) = read_html(io.BytesIO(b"\xef\xbb\xbf" + page.encode()), name="bom.html")
    assert rec.text == "新质生产力，发展。"


def test_br_separated_text_and_siblings() -> None:
    page = """<html><body>
    <div id="menu"><a href="/">首页</a><a href="/x">栏目</a></div>
    <div id="zoom">
      <div class="content">　　第一段内容，较长的正文文字。<br/>　　第二段内容，较长的正文文字。<br>
      第三段，同样是正文。</div>
      <p>相邻的段落也是正文内容，应当保留下来。</p>
      <div class="ad-banner"><a href="/ad">广告</a></div>
    </div>
    <div id="footer">主办单位：某某政府办公室</div>
    </body></html>"""
    (rec,) = read_html(io.BytesIO(page.encode()), name="gov.html")
    assert rec.text.split("\n") == [
        "第一段内容，较长的正文文字。",
        "第二段内容，较长的正文文字。",
        "第三段，同样是正文。",
        "相邻的段落也是正文内容，应当保留下来。",
    ]


def test_layout_table_and_protected_container() -> None:
    """Text in a one-column layout table inside a container whose class mentions a sidebar."""
    body = "".join(f"<p>第{i}段：新质生产力的发展需要科技创新的持续推动。</p>" for i in range(1, 6))
    page = f"""<html><body><div class="page-with-sidebar">
    <table><tr><td class="nav"><a href="/">首页</a> <a href="/b">栏目</a></td></tr>
    <tr><td>{body}</td></tr></table></div></body></html>"""
    (rec,) = read_html(io.BytesIO(page.encode()), name="t.html")
    assert rec.text.split("\n") == [
        f"第{i}段：新质生产力的发展需要科技创新的持续推动。" for i in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ("<title>报告全文 - 新华网</title>", "<h1>报告全文</h1>", "报告全文"),
        (
            "<title>国务院关于推动新质生产力发展的意见_政策_中国政府网</title>",
            "",
            "国务院关于推动新质生产力发展的意见",
        ),
        (
            '<meta property="og:title" content="开放图谱标题"><title>站点</title>',
            "",
            "开放图谱标题",
        ),
        ('<meta name="ArticleTitle" content="政府网标题">', "", "政府网标题"),
        ("", "<h1>只有一级标题</h1>", "只有一级标题"),
        (
            "<title>正文标题 - 网站名</title>",
            '<div class="menu-bar"><h1>网站名</h1></div><h1>正文标题</h1>',
            "正文标题",
        ),
        ("", "", "untitled_page"),
    ],
)
def test_titles(head: str, body: str, title: str) -> None:
    page = f"<html><head>{head}</head><body>{body}<p>正文，正文，正文，正文。</p></body></html>"
    assert next(read_html(io.BytesIO(page.encode()), name="untitled_page.html")).title == title


def test_han_line_breaks_and_spaces() -> None:
    page = "<p>新质\n   生产力 and\n  innovation，\n数字  经济</p>"
    (rec,) = read_html(io.BytesIO(page.encode()), name="s.html")
    assert rec.text == "新质生产力 and innovation，数字 经济"


def test_entities_are_not_expanded_and_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        '<!DOCTYPE html SYSTEM "http://example.invalid/x.dtd" ['
        '<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<html><body><img src="http://example.invalid/x.png"><p>正文内容，&c;&c;&amp;结束。</p>'
        "</body></html>"
    )
    connects: list[object] = []

    def no_network(self: socket.socket, address: object) -> None:
        connects.append(address)
        raise OSError("the reader must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    (rec,) = read_html(io.BytesIO(page.encode()), name="laughs.html")
    assert connects == []  # neither the DTD nor the image was fetched
    assert "aaaaaaaaaa" not in rec.text and len(rec.text) < len(page)  # &c; was not expanded
    assert "正文内容" in rec.text and "&结束。" in rec.text


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n  "])
def test_empty_html(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    for call in (lambda: list(read_html(path)), lambda: list(read_records(path))):
        with pytest.raises(InputError) as info:
            call()
        assert info.value.file == str(path) and "empty" in info.value.en


def test_page_without_text(tmp_path: Path) -> None:
    path = tmp_path / "app.html"
    path.write_text(
        '<!doctype html><html><head><script src="app.js"></script></head>'
        '<body><div id="app"></div><script>render("页面由脚本生成")</script></body></html>',
        encoding="utf-8",
    )
    for call in (lambda: list(read_html(path)), lambda: list(read_records(path))):
        with pytest.raises(InputError) as info:
            call()
        assert_clear(info.value, path)
        assert "no main text" in info.value.en


def test_missing_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    with pytest.raises(InputError) as info:
        list(read_html(missing))
    assert_clear(info.value, missing)
    folder = tmp_path / "folder.html"
    folder.mkdir()
    with pytest.raises(InputError) as info:
        list(read_html(folder))
    assert info.value.file == str(folder) and "folder" in info.value.en
