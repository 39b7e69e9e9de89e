"""Rebuild the generated sample files (deterministic). Written by the zhagen developers.

Everything produced here is fictional: made-up authors, journals and records that only
imitate the layout of a CNKI RefWorks export, for the demo.

    python examples/make_samples.py
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

THEMES = {
    "consortium": (["创新联合体", "产学研", "协同创新", "关键核心技术", "科技成果转化", "新型举国体制"],
                   ["innovation consortium", "industry-university-research"]),
    "digital": (["数字经济", "数字化转型", "人工智能", "大数据", "工业互联网", "平台经济"],
                ["digital economy", "digital transformation"]),
    "sme": (["专精特新", "中小企业", "单项冠军", "营商环境", "融资约束"],
            ["specialized and sophisticated SMEs", "business environment"]),
    "green": (["绿色发展", "碳达峰", "碳中和", "新能源", "双碳"],
              ["green development", "carbon neutrality"]),
    "newqp": (["新质生产力", "未来产业", "全要素生产率", "高质量发展", "科技创新"],
              ["new quality productive forces", "total factor productivity"]),
}
# how likely each theme is in each period: themes rise and fall so that bursts show
WEIGHTS = {
    range(2014, 2018): {"consortium": 4, "digital": 1, "sme": 3, "green": 1, "newqp": 0},
    range(2018, 2021): {"consortium": 3, "digital": 4, "sme": 3, "green": 1, "newqp": 0},
    range(2021, 2024): {"consortium": 2, "digital": 3, "sme": 2, "green": 4, "newqp": 1},
    range(2024, 2026): {"consortium": 3, "digital": 2, "sme": 1, "green": 1, "newqp": 8},
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["明", "华", "建国", "晓燕", "志强", "丽", "伟", "静", "海涛", "雪", "鹏", "欣怡"]
PLACES = ["示例大学经济学院", "示例科技大学管理学院", "示例社会科学院", "示例师范大学商学院"]
JOURNALS = ["示例经济研究", "示例科技管理", "示例产业评论", "示例政策论坛"]
ABSTRACTS = [  # fictional: a few shapes so that the texts are not all alike
    "（虚构示例）文章围绕{a}与{b}展开分析，认为{c}是推动高质量发展的重要抓手，并提出政策建议。",
    "（虚构示例）基于省级面板数据，实证检验{a}对{b}的影响，发现{c}在其中发挥调节作用。",
    "（虚构示例）通过多案例比较，归纳{a}推动{b}的三条路径，并讨论{c}的边界条件。",
    "（虚构示例）运用扎根理论方法，对访谈资料进行三级编码，构建{a}与{b}的理论框架，{c}为核心机制。",
]
TITLE_FORMS = ["{a}与{b}：机制与路径", "{a}赋能{b}的实证研究", "{a}视角下{b}的发展逻辑",
               "以{a}推动{b}：基于扎根理论的分析", "{a}、{b}与区域创新"]


def _weights(year: int) -> dict[str, int]:
    for span, w in WEIGHTS.items():
        if year in span:
            return w
    raise ValueError(year)


def _record(rng: random.Random, n: int, year: int) -> list[str]:
    w = _weights(year)
    themes = rng.choices(list(w), weights=list(w.values()), k=2)
    zh: list[str] = []
    en: list[str] = []
    for t in dict.fromkeys(themes):
        words, eng = THEMES[t]
        zh += rng.sample(words, k=rng.randint(2, 3))
        en += rng.sample(eng, k=1)
    zh = list(dict.fromkeys(zh))
    authors = [rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(rng.randint(1, 3))]
    title = rng.choice(TITLE_FORMS).format(a=zh[0], b=zh[1])
    abstract = ABSTRACTS[n % len(ABSTRACTS)].format(a=zh[0], b=zh[1], c=zh[-1])
    lines = [
        "RT Journal Article", "SR 1", "A1 " + ";".join(authors),
        "AD " + ";".join(rng.sample(PLACES, k=1)) + ";", "T1 " + title,
        "JF " + rng.choice(JOURNALS), f"YR {year}", f"IS {rng.randint(1, 12):02d}", "vo ",
        f"OP {rng.randint(1, 90)}-{rng.randint(91, 120)}", "K1 " + ";".join(zh),
    ]
    if n % 3 == 0:  # CNKI puts English keywords on a continuation line
        lines.append(";".join(en))
    lines += ["AB " + abstract, "SN 0000-0000", "CN 00-0000/F", "LA 中文;", "DS CNKI",
              f"LK https://example.invalid/record/{n}"]
    return lines


def make_refworks(path: Path, n_records: int = 90, seed: int = 2024) -> None:
    rng = random.Random(seed)
    years = sorted(rng.randint(2014, 2025) for _ in range(n_records))
    blocks = ["\r\n".join(_record(rng, i + 1, y)) for i, y in enumerate(years)]
    path.write_bytes(("\r\n\r\n".join(blocks) + "\r\n").encode("utf-8"))


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "创新联合体座谈会纪要（示例）"
    d.core_properties.author = "zhagen developers"
    d.add_heading("创新联合体座谈会纪要（示例）", level=1)
    for para in [
        "本纪要由 zhagen 开发者虚构，仅用于演示。",
        "与会企业代表认为，组建创新联合体的关键在于明确牵头企业的主体地位，建立稳定的利益分配机制。",
        "高校代表提出，应完善科技成果转化的收益分配政策，激励科研人员面向产业需求开展研究。",
        "政府部门表示，将通过揭榜挂帅、首台套保险等政策工具，支持关键核心技术攻关，加快发展新质生产力。",
    ]:
        d.add_paragraph(para)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "议题"
    table.cell(0, 1).text = "共识"
    table.cell(1, 0).text = "风险共担"
    table.cell(1, 1).text = "按贡献分配收益，知识产权共有"
    d.save(path)


if __name__ == "__main__":
    make_refworks(HERE / "cnki" / "sample_refworks.txt")
    make_docx(HERE / "docs" / "07_座谈会纪要.docx")
    print("sample files written")
