"""Small examples to try zhagen on, and on which the documentation's examples run (as
networkx's ``karate_club_graph``). The records and texts were written by the zhagen
developers for this purpose; they are not from any database.

>>> km = tiny_map()
>>> km.summary["records"], len(km.nodes) > 5
(12, True)
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhagen.biblio.stats import BiblioRecord
    from zhagen.mapping.model import MapInput
    from zhagen.project import Project
    from zhagen.report.mapfiles import WritableMap

__all__ = [
    "RECORDS",
    "TEXTS",
    "AUTHORS",
    "tiny_map_input",
    "tiny_map",
    "tiny_project",
    "tiny_records",
]

#: Twelve bibliographic records: (year, keywords, title).
RECORDS: list[tuple[int, list[str], str]] = [
    (2019, ["科技创新", "产学研合作", "创新联合体"], "产学研合作与创新联合体的组建"),
    (2019, ["科技创新", "关键核心技术", "产学研合作"], "关键核心技术攻关中的产学研合作"),
    (2020, ["数字经济", "数字化转型", "中小企业"], "中小企业数字化转型的路径"),
    (2020, ["数字经济", "数据要素", "数字化转型"], "数据要素与数字经济增长"),
    (2021, ["科技创新", "创新联合体", "关键核心技术"], "创新联合体攻关关键核心技术的机制"),
    (2021, ["专精特新", "中小企业", "营商环境"], "营商环境与专精特新中小企业成长"),
    (2022, ["新质生产力", "科技创新", "高质量发展"], "科技创新驱动新质生产力"),
    (2022, ["专精特新", "中小企业", "数字化转型"], "专精特新企业的数字化转型"),
    (2023, ["新质生产力", "高质量发展", "数字经济"], "数字经济赋能高质量发展"),
    (2023, ["新质生产力", "创新联合体", "科技创新"], "创新联合体与新质生产力"),
    (2024, ["新质生产力", "数据要素", "高质量发展"], "数据要素推动新质生产力形成"),
    (2024, ["营商环境", "专精特新", "高质量发展"], "优化营商环境支持专精特新"),
]

#: Authors, affiliation and venue of each of :data:`RECORDS` (made up, as the records are).
AUTHORS: list[tuple[list[str], str, str]] = [
    (["王明", "李华"], "甲大学经济学院", "科技进步与对策"),
    (["王明", "张强"], "甲大学经济学院", "科技进步与对策"),
    (["赵敏"], "乙大学管理学院", "中国软科学"),
    (["赵敏", "王明"], "乙大学管理学院", "中国软科学"),
    (["王明", "李华"], "甲大学经济学院", "科技进步与对策"),
    (["陈静"], "丙研究院", "科学学研究"),
    (["王明"], "甲大学经济学院", "科技进步与对策"),
    (["陈静", "李华"], "丙研究院", "科学学研究"),
    (["刘洋"], "丁大学", "经济研究"),
    (["王明", "赵敏"], "甲大学经济学院", "科技进步与对策"),
    (["李华"], "甲大学经济学院", "中国软科学"),
    (["孙丽"], "戊大学", "管理世界"),
]

#: Three short policy texts: file name → text.
TEXTS: dict[str, str] = {
    "创新联合体.txt": "支持企业牵头组建创新联合体。推动产学研深度融合，攻关关键核心技术。"
    "完善利益分配和风险共担机制。",
    "专精特新.txt": "培育专精特新中小企业。优化营商环境，落实财政补贴和专项资金。"
    "推动中小企业数字化转型。",
    "新质生产力.txt": "以科技创新推动产业创新，加快发展新质生产力。发展数字经济，"
    "促进数据要素流通。",
}


def tiny_map_input() -> MapInput:
    """:data:`RECORDS` as the input of :func:`zhagen.mapping.build_map` (ids 1–12).

    >>> inp = tiny_map_input()
    >>> inp.doc_ids[:3], inp.years[0], list(inp.terms[0])
    ([1, 2, 3], 2019, ['科技创新', '产学研合作', '创新联合体'])
    """
    from zhagen.mapping.model import MapInput

    return MapInput(
        doc_ids=list(range(1, len(RECORDS) + 1)),
        years=[year for year, _k, _t in RECORDS],
        terms=[list(keywords) for _y, keywords, _t in RECORDS],
        titles=[title for _y, _k, title in RECORDS],
    )


def tiny_map(**params: object) -> WritableMap:
    """The knowledge map of :data:`RECORDS` (``min_freq=1`` unless given), able to write
    itself (``km.write(folder)``).

    >>> km = tiny_map()
    >>> km.nodes["label"].tolist()[:3]
    ['科技创新', '新质生产力', '高质量发展']
    """
    from zhagen.mapping import build_map
    from zhagen.mapping.model import MapParams
    from zhagen.params import make
    from zhagen.report.mapfiles import WritableMap

    params.setdefault("min_freq", 1)
    return WritableMap.of(build_map(tiny_map_input(), make(MapParams, params)))


def tiny_project(folder: str | os.PathLike[str] | None = None) -> Project:
    """A project (``tiny.zhagen`` in ``folder``, a new temporary folder by default) holding
    :data:`TEXTS`, three codes in two levels, two codings and one relation. Close it after
    use (``with tiny_project() as p: ...``).

    >>> with tiny_project() as p:
    ...     len(p.documents()), len(p.codes()), len(p.codings()), len(p.relations())
    (3, 3, 2, 1)
    """
    from zhagen.project import Project

    folder = os.fspath(folder or tempfile.mkdtemp(prefix="zhagen-example-"))
    texts = os.path.join(folder, "texts")
    os.makedirs(texts, exist_ok=True)
    for name, text in TEXTS.items():
        with open(os.path.join(texts, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    project = Project.create(os.path.join(folder, "tiny.zhagen"))
    project.add([texts])
    docs = dict(zip(project.documents()["title"], project.documents()["id"], strict=True))
    category = project.codes.add("协同创新", level=2)
    project.codes.add("产学研融合", parent=category)
    project.codes.add("政策支持", parent=category)
    for title, code, phrase in (("创新联合体", "产学研融合", "产学研深度融合"),
                                ("专精特新", "政策支持", "财政补贴和专项资金")):  # fmt: skip
        doc = int(docs[title])
        start = project.documents.text(doc).index(phrase)
        project.codings.add(doc, start, start + len(phrase), code)
    project.relations.add("政策支持", "产学研融合", "情境")
    return project


def tiny_records() -> list[BiblioRecord]:
    """:data:`RECORDS` with :data:`AUTHORS` as the input of
    :func:`zhagen.biblio.stats.bibliometrics` (ids 1–12, no citations).

    >>> [r.authors for r in tiny_records()[:2]]
    [('王明', '李华'), ('王明', '张强')]
    """
    from zhagen.biblio.stats import BiblioRecord

    return [
        BiblioRecord(id=i, year=year, title=title, authors=tuple(names), affiliations=(aff,),
                     venue=venue)
        for i, ((year, _, title), (names, aff, venue)) in enumerate(zip(RECORDS, AUTHORS, strict=True), 1)
    ]  # fmt: skip
