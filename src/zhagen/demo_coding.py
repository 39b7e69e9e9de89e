"""The coding part of ``zhagen demo``: a scripted grounded-theory session on the sample data.

Two fictional coders apply a small codebook (written by the zhagen developers for the demo)
to the sample documents' sentences by keyword, the way a researcher would after open
coding: concepts → initial categories → main categories → one core category, with memos,
relations of the paradigm model and a storyline. Coder B deliberately differs from coder A
on some sentences so that the agreement statistics have something to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhagen.project import Project

__all__ = ["CODEBOOK", "CORE", "run_coding"]

CORE = "创新联合体赋能新质生产力"
#: concept: (keywords, initial category, main category)
CODEBOOK: dict[str, tuple[tuple[str, ...], str, str]] = {
    "关键技术攻关": (("关键核心技术", "卡脖子", "攻关"), "技术突破", "战略引领"),
    "成果转化": (("成果转化",), "技术突破", "战略引领"),
    "新型举国体制": (("举国体制", "揭榜挂帅"), "制度安排", "战略引领"),
    "利益分配": (("利益分配", "分配收益", "风险共担", "共担风险"), "合作机制", "协同治理"),
    "产学研融合": (("产学研", "科研院所"), "协同主体", "协同治理"),
    "企业主体地位": (("主体地位", "牵头"), "协同主体", "协同治理"),
    "政策支持": (("政策", "补贴", "专项资金", "产业基金"), "政府引导", "环境支撑"),
    "营商环境": (("营商环境",), "政府引导", "环境支撑"),
    "数字化转型": (("数字化", "数字经济", "上云", "工业互联网"), "产业升级", "市场导向"),
    "专精特新发展": (("专精特新", "单项冠军"), "产业升级", "市场导向"),
}
RELATIONS = [
    ("战略引领", CORE, "因果条件", "国家战略与关键技术攻关是联合体形成的起点"),
    ("环境支撑", CORE, "情境", "政策与营商环境构成联合体运行的情境"),
    ("协同治理", CORE, "中介条件", "利益分配与主体协同决定赋能效果"),
    ("市场导向", CORE, "行动策略", "面向产业升级的市场化行动"),
]


def _tree(project: Project) -> dict[str, int]:
    ids = {CORE: project.codes.add(CORE, level=4, description="示例核心范畴")}
    for concept, (_kw, category, main) in CODEBOOK.items():
        if main not in ids:
            ids[main] = project.codes.add(
                main, parent=CORE, level=3, description=f"示例主范畴：{main}"
            )
        if category not in ids:
            ids[category] = project.codes.add(category, parent=main, level=2)
        ids[concept] = project.codes.add(concept, parent=category, level=1)
    return ids


def _code_by_keywords(project: Project, doc_ids: list[int]) -> dict[str, int]:
    done = {"A": 0, "B": 0}
    n = 0
    for doc in doc_ids:
        for row in project.documents.sentences(doc).itertuples(index=False):
            for concept, (keywords, _c, _m) in CODEBOOK.items():
                if not any(k in row.text for k in keywords):
                    continue
                n += 1
                project.codings.add_sentence(doc, row.idx, concept, coder="研究者A")
                done["A"] += 1
                if n % 5 != 0:  # coder B misses every fifth one ...
                    project.codings.add_sentence(doc, row.idx, concept, coder="研究者B")
                    done["B"] += 1
            if row.idx % 7 == 3:  # ... and reads some other sentences as policy support
                project.codings.add_sentence(doc, row.idx, "政策支持", coder="研究者B")
                done["B"] += 1
    return done


def run_coding(project: Project) -> dict[str, int]:
    """Build the code tree, code the sample documents as two coders, add memos and relations."""
    docs = project.documents.frame()
    doc_ids = [int(i) for i in docs[docs["type"] == "document"]["id"]]
    _tree(project)
    done = _code_by_keywords(project, doc_ids)
    for source, target, kind, text in RELATIONS:
        project.relations.add(source, target, kind, description=text)
    project.memos.add(
        "code", CORE, "核心范畴由四个主范畴共同支撑（示例备忘录）。", title="核心范畴"
    )
    project.memos.add(
        "document", doc_ids[0], "政策文本强调企业主体地位（示例）。", title="阅读笔记"
    )
    project.relations.set_storyline(
        "在国家战略引领下，政策与营商环境提供情境，产学研主体通过合理的利益分配协同治理，"
        "面向市场开展数字化转型与专精特新发展，从而以创新联合体赋能新质生产力（示例故事线）。"
    )
    return done
