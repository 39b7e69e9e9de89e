"""Every string of the web interface, in Chinese (the default) and English.

Templates call ``t("key")``; the pages' JavaScript receives the strings of the chosen
language as JSON and looks them up with ``Z.t("key")``. The language is the ``zhagen_lang``
cookie (``zh`` or ``en``), switched from the header.

>>> t("nav.documents", "zh"), t("nav.documents", "en")
('文档', 'Documents')
"""

from __future__ import annotations

__all__ = ["STRINGS", "LANGS", "t", "label", "strings", "lang_of", "OTHER_LANGUAGE_COLUMNS"]

LANGS = ("zh", "en")

#: key → (中文, English).
STRINGS: dict[str, tuple[str, str]] = {
    # -- frame ------------------------------------------------------------------------
    "app.name": ("扎根", "zhagen"),
    "app.tagline": ("扎根理论编码与知识图谱", "grounded-theory coding and knowledge maps"),
    "nav.documents": ("文档", "Documents"),
    "nav.codes": ("编码树", "Code tree"),
    "nav.model": ("主轴与选择性编码", "Axial & selective"),
    "nav.tables": ("编码表", "Tables"),
    "nav.saturation": ("饱和度检验", "Saturation"),
    "nav.agreement": ("编码一致性", "Agreement"),
    "nav.map": ("知识图谱", "Knowledge map"),
    "nav.suggestions": ("编码建议", "Suggestions"),
    "sug.title": ("编码建议队列", "Suggestion queue"),
    "sug.keys": (
        "J/K 上下移动，Enter 接受，Delete 拒绝；建议在接受之前不是编码",
        "J/K move, Enter accepts, Delete rejects; a suggestion is no coding until accepted",
    ),
    "sug.document": ("文档", "Document"),
    "sug.sentence": ("句", "Sentence"),
    "sug.text": ("原始语句", "Sentence text"),
    "sug.code": ("建议编码", "Suggested code"),
    "sug.score": ("分数", "Score"),
    "sug.accept": ("接受", "Accept"),
    "sug.reject": ("拒绝", "Reject"),
    "sug.accepted": ("已接受（可撤销）", "Accepted (undoable)"),
    "sug.rejected": ("已拒绝（不再建议）", "Rejected (not suggested again)"),
    "sug.empty": (
        "没有待定的建议；用 zhagen suggest 生成",
        "No open suggestions; make some with zhagen suggest",
    ),
    "sug.kappa": ("最近一次评估", "Last evaluation"),
    "sug.show": ("显示", "Show"),
    "sug.more": ("显示前 {n} 条，共 {total} 条", "Showing {n} of {total}"),
    "sug.macro_f1": ("宏 F1", "macro-F1"),
    "sug.top3": ("前三召回率", "top-3 recall"),
    "sug.eval_of": (
        "（与 {x} 的人工编码比较：按文档留出、固定种子）",
        "(against {x}'s coding: held out by document, seeded)",
    ),
    "sug.def_kappa": (
        "Cohen κ = (pₒ − pₑ) / (1 − pₑ)：留出句子上首选建议与人工编码的一致性，扣除偶然一致",
        "Cohen's κ = (pₒ − pₑ) / (1 − pₑ): agreement of the top-1 suggestion with the human "
        "code on the held-out sentences, beyond chance",
    ),
    "sug.def_f1": (
        "宏 F1：各编码 F1（精确率与召回率的调和平均）的平均，每个编码权重相同",
        "macro-F1: the mean over codes of F1 (harmonic mean of precision and recall), each "
        "code weighted equally",
    ),
    "sug.def_top3": (
        "前三召回率：人工编码出现在前三条建议中的句子比例",
        "top-3 recall: share of sentences whose human code is among the top three suggestions",
    ),
    "sug.bulk_score": ("批量接受：分数 ≥", "Bulk accept: score ≥"),
    "sug.bulk": ("接受首选建议", "Accept the top suggestions"),
    "sug.bulk_count": ("本页 {n} 条符合", "{n} on this page qualify"),
    "sug.bulk_confirm": (
        "把范围内分数 ≥ {x} 的全部首选建议接受为我的编码？（一步可撤销）",
        "Accept every top suggestion scoring ≥ {x} in the scope as my codings? (one undo step)",
    ),
    "sug.bulk_done": (
        "已接受 {n} 条建议（一步可撤销）",
        "Accepted {n} suggestion(s) (one undo step)",
    ),
    "sug.tab_queue": ("建议队列", "Queue"),
    "sug.tab_proposals": ("新编码提议", "Proposed codes"),
    "sug.proposals_help": (
        "语言模型开放式编码提出的初始概念：采纳即新建该编码（已有同名编码则用它），并把提议它的建议接受为编码；一步可撤销",
        "Initial concepts a language model proposed in open coding: adopting creates the code "
        "(or uses the code of that name) and accepts the suggestions proposing it; one undo step",
    ),
    "sug.prop_name": ("提议的编码", "Proposed code"),
    "sug.prop_count": ("建议数", "Suggestions"),
    "sug.prop_docs": ("文档数", "Documents"),
    "sug.prop_best": ("最高分", "Best score"),
    "sug.prop_examples": ("原文与理由", "Quotes and reasons"),
    "sug.prop_existing": ("（已有同名编码）", "(a code of that name exists)"),
    "sug.prop_empty": (
        "没有待定的新编码提议；用 zhagen suggest-llm 的开放式编码生成",
        "No open proposals of new codes; make some with zhagen suggest-llm (open coding)",
    ),
    "sug.adopt": ("采纳为编码", "Adopt as code"),
    "sug.adopted": (
        "已采纳「{x}」：{n} 处编码（可撤销）",
        "Adopted “{x}”: {n} coding(s) (undoable)",
    ),
    "sug.noeval": (
        "尚未评估（zhagen suggest --evaluate）：批量接受须先评估",
        "not evaluated yet (zhagen suggest --evaluate): bulk acceptance needs it",
    ),
    "nav.queries": ("查询", "Queries"),
    "nav.settings": ("设置", "Settings"),
    "nav.logout": ("退出", "Log out"),
    "nav.undo": ("撤销", "Undo"),
    "nav.redo": ("重做", "Redo"),
    "nav.lang": ("English", "中文"),
    "nav.coder": ("编码员", "Coder"),
    "nav.blind": ("盲编码", "Blind coding"),
    "nav.help": ("快捷键", "Shortcuts"),
    "common.save": ("保存", "Save"),
    "common.saved": ("已保存", "Saved"),
    "common.cancel": ("取消", "Cancel"),
    "common.delete": ("删除", "Delete"),
    "common.close": ("关闭", "Close"),
    "common.add": ("添加", "Add"),
    "common.edit": ("编辑", "Edit"),
    "common.loading": ("加载中…", "Loading…"),
    "common.none": ("无", "None"),
    "common.download": ("下载", "Download"),
    "common.compute": ("计算", "Compute"),
    "common.confirm": ("确定", "OK"),
    "common.all": ("全部", "All"),
    "common.search": ("搜索", "Search"),
    "common.more": ("还有 {n} 条未显示", "{n} more not shown"),
    "common.rows": ("共 {n} 行", "{n} rows"),
    "common.nothing_undo": ("没有可撤销的编辑", "nothing to undo"),
    "common.nothing_redo": ("没有可重做的编辑", "nothing to redo"),
    "common.undone": ("已撤销：{x}", "Undone: {x}"),
    "common.redone": ("已重做：{x}", "Redone: {x}"),
    "common.error": ("出错了", "Error"),
    "common.offline": ("无法连接服务器", "cannot reach the server"),
    "common.coder_prompt": ("请输入你的编码员名称", "Enter your coder name"),
    "first.title": (
        "欢迎使用扎根！你的编码记在哪个名字下？",
        "Welcome to zhagen! Whose coding is this?",
    ),
    "first.hint": (
        "请输入你的姓名或缩写；之后可在「设置」中修改",
        "Enter your name or initials; change it later in Settings",
    ),
    "first.placeholder": ("姓名或缩写", "Name or initials"),
    "first.save": ("开始编码", "Start coding"),
    "first.done": ("你的编码将记在「{x}」名下", "Your coding is recorded as “{x}”"),
    # -- login ------------------------------------------------------------------------
    "login.title": ("登录", "Log in"),
    "login.token": ("访问令牌（启动时打印）", "Access token (printed at start)"),
    "login.user": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.or": ("或使用账户登录", "or log in with an account"),
    "login.failed": ("登录失败", "Login failed"),
    # -- documents --------------------------------------------------------------------
    "docs.title": ("文档", "Documents"),
    "docs.search": ("搜索标题、作者、关键词、摘要…", "Search title, authors, keywords, abstract…"),
    "docs.fulltext": ("全文搜索", "Full text"),
    "docs.type": ("类型", "Type"),
    "docs.year": ("年份", "Year"),
    "docs.coded": ("编码状态", "Coded"),
    "docs.coded_yes": ("已编码", "Coded"),
    "docs.coded_no": ("未编码", "Not coded"),
    "docs.coder": ("编码员", "Coder"),
    "docs.col.id": ("编号", "ID"),
    "docs.col.title": ("标题", "Title"),
    "docs.col.authors": ("作者", "Authors"),
    "docs.col.year": ("年份", "Year"),
    "docs.col.venue": ("来源", "Venue"),
    "docs.col.codings": ("编码数", "Codings"),
    "docs.drop": (
        "把文件拖到这里导入（CNKI、WoS、txt、docx、pdf、html…）",
        "Drop files here to import (CNKI, WoS, txt, docx, pdf, html…)",
    ),  # fmt: skip
    "docs.choose": ("选择文件", "Choose files"),
    "docs.importing": ("正在导入 {n} 个文件…", "Importing {n} file(s)…"),
    "docs.imported": (
        "导入 {n} 条记录，{f} 个文件失败",
        "Imported {n} record(s); {f} file(s) failed",
    ),
    "docs.skipped": ("已导入过，跳过", "already imported, skipped"),
    "docs.empty": (
        "还没有文档。把文件拖到上方即可导入。",
        "No documents yet. Drop files above to import.",
    ),
    "docs.total": ("共 {n} 篇", "{n} document(s)"),
    "docs.prev": ("上一页", "Previous"),
    "docs.next": ("下一页", "Next"),
    "docs.hits": ("全文命中 {n} 处", "{n} full-text hit(s)"),
    # -- document view ----------------------------------------------------------------
    "doc.original": ("原文对照", "Original beside cleaned"),
    "doc.cleaned": ("显示清洗后文本", "Show cleaned text"),
    "doc.original_note": (
        "原文与清洗后文本对照（只读，不能编码）",
        "The original beside the cleaned text (read-only, cannot be coded)",
    ),
    "doc.codings": ("编码", "Codings"),
    "doc.memos": ("备忘录", "Memos"),
    "doc.info": ("信息", "Info"),
    "doc.apply": ("编码", "Code"),
    "doc.code_placeholder": (
        "输入编码名称（回车应用，新名称将新建）",
        "Type a code (Enter applies; a new name creates it)",
    ),  # fmt: skip
    "doc.new_code": ("新建编码「{x}」", "New code “{x}”"),
    "doc.here": ("此处的编码", "Codes here"),
    "doc.remove": ("移除", "Remove"),
    "doc.recode": ("改为…", "Recode…"),
    "doc.recode_prompt": ("改为哪个编码？", "Recode as which code?"),
    "doc.recent": ("最近使用（按 1–9）", "Recent (keys 1–9)"),
    "doc.no_codings": ("本文档还没有编码", "No codings in this document yet"),
    "doc.sentence": ("第 {n} 句", "Sentence {n}"),
    "doc.garbled": (
        "乱码：此句含无法还原的字符（导入时已报告），不进入编码表；请用正确编码重新导出原文件",
        "Garbled text: this sentence holds characters that cannot be restored (reported at "
        "import) and is left out of the coding tables; export the file again with the right "
        "encoding",
    ),
    "doc.selection": ("已选 {n} 字", "{n} characters selected"),
    "doc.coded_as": ("已编码为「{x}」", "Coded as “{x}”"),
    "doc.memo_new": ("写一条备忘录…", "Write a memo…"),
    "doc.memo_title": ("标题（可选）", "Title (optional)"),
    "doc.chars": ("{n} 字", "{n} characters"),
    "doc.keywords": ("关键词", "Keywords"),
    "doc.doi": ("DOI", "DOI"),
    "doc.abstract": ("摘要", "Abstract"),
    "doc.frozen": ("已有编码，文本已冻结", "has codings: text frozen"),
    "doc.help": (
        "选中文本或点击句子 → 输入编码；C/回车：编码；J/K：下一句/上一句（有建议时：下一条/上一条建议，"
        "回车接受、Delete 拒绝）；1–9：最近编码；"
        "V / Alt+V：实境编码（所选词语成为新概念）；Ctrl+Z / Ctrl+Shift+Z：撤销/重做；O：原文对照；"
        "M：备忘录；Esc：关闭",
        "Select text or click a sentence → type a code; C/Enter: code; J/K: next/previous "
        "sentence (with suggestions: next/previous suggestion, Enter accepts, Delete rejects); "
        "1–9: recent codes; V / Alt+V: in-vivo code (the words become a new concept); "
        "Ctrl+Z / Ctrl+Shift+Z: undo/redo; O: original beside cleaned; M: memo; Esc: close",
    ),  # fmt: skip
    # -- coding view: stripes, in-vivo, comparison, original beside cleaned -------------
    "doc.stripes": ("编码条", "Stripes"),
    "doc.f_code": ("全部编码", "All codes"),
    "doc.f_level": ("全部层级", "All levels"),
    "doc.f_coder": ("全部编码员", "All coders"),
    "doc.no_level": ("无层级", "no level"),
    "doc.f_only": (
        "只看这个编码的编码条（再点一次：全部）",
        "Show only this code's stripes (click again: all)",
    ),
    # -- suggestions in the document view: ghost stripes -------------------------------
    "doc.ghost_count": ("显示 AI 建议（{n} 条待定）", "Show AI suggestions ({n} open)"),
    "doc.ghost_keys": (
        "J/K：下一条/上一条建议；Enter：接受；Delete：拒绝",
        "J/K: next/previous suggestion; Enter: accept; Delete: reject",
    ),
    "doc.ghost_next": ("下一条（J）", "Next (J)"),
    "doc.ghost_queue": ("全部建议", "All suggestions"),
    "doc.ghost_focus": ("第 {i}/{n} 条：{x}", "{i} of {n}: {x}"),
    "doc.ghost_new": ("新编码「{x}」", "new code “{x}”"),
    "doc.ghost_title": (
        "建议：{x}（第 {r} 位，来源 {s}）；J/K 选中后 Enter 接受、Delete 拒绝",
        "Suggestion: {x} (rank {r}, from {s}); select with J/K, Enter accepts, Delete rejects",
    ),
    "doc.ghost_accepted": (
        "已接受建议「{x}」为编码（可撤销）",
        "Accepted “{x}” as a coding (undoable)",
    ),
    "doc.ghost_rejected": ("已拒绝建议「{x}」（不再建议）", "Rejected “{x}” (not suggested again)"),
    "doc.ghost_viewer": (
        "只读账户不能接受或拒绝建议",
        "A viewer cannot accept or reject suggestions",
    ),
    "doc.in_vivo": ("实境编码「{x}」（Alt+V）", "In-vivo code “{x}” (Alt+V)"),
    "codes.search": ("搜索编码（/；回车打开第一个）", "Search codes (/; Enter opens the first)"),
    "codes.found": ("找到 {n} 个", "{n} found"),
    "codes.selected": ("已选 {n} 个编码", "{n} code(s) selected"),
    "codes.bulk_target": ("移到哪里", "Move where"),
    "codes.bulk_move": ("移到", "Move under"),
    "codes.bulk_move_go": ("移动", "Move"),
    "codes.bulk_merge": ("合并到", "Merge into"),
    "codes.bulk_merge_go": ("合并", "Merge"),
    "codes.bulk_pick": ("选择目标编码…", "Choose the target…"),
    "codes.promote": ("提升为范畴", "Promote to category"),
    "codes.promote_name": (
        "「{x}」将成为新范畴的下级。新范畴的名称：",
        "“{x}” becomes the child of a new category. The category's name:",
    ),
    "codes.promoted": (
        "已将「{x}」提升为范畴（它成为新范畴的下级）",
        "Promoted “{x}” to a category (it is now the category's child)",
    ),
    "cmp.open": ("比较编码员", "Compare coders"),
    "cmp.title": ("编码比较", "Coding comparison"),
    "cmp.show": ("比较", "Compare"),
    "cmp.back": ("返回文档", "Back to the document"),
    "cmp.code": ("编码", "Code"),
    "cmp.kappa": ("κ", "κ"),
    "cmp.agree": ("一致率 %", "Agreement %"),
    "cmp.both": ("两人", "Both"),
    "cmp.a_only": ("仅 A", "A only"),
    "cmp.b_only": ("仅 B", "B only"),
    "cmp.all": ("全部编码", "All codes"),
    "cmp.pick": ("请选择两位不同的编码员", "Choose two different coders"),
    "cmp.missing": (
        "编码员「{x}」在本文档中没有编码，无法计算 κ",
        "Coder “{x}” has no codings in this document: no κ",
    ),
    "cmp.only": ("只有「{x}」编码为「{c}」", "only {x} coded this as “{c}”"),
    "cmp.disagreements": ("分歧 {n} 处", "{n} disagreement(s)"),
    "cmp.legend": (
        "红色波浪线：只有一位编码员编码的文字（分歧）；点击表中的编码只看该编码",
        "Red wavy line: text only one coder coded (a disagreement); click a code in the table to see it alone",
    ),
    "cmp.kappa_note": (
        "κ、一致率按本文档计算（单位：{u}），与「编码一致性」页同一算法",
        "κ and agreement computed over this document (unit: {u}) by the same functions as the Agreement page",
    ),
    "orig.original": ("原文（导入时读到的）", "Original (as read)"),
    "orig.cleaned": ("清洗后文本（编码所用）", "Cleaned (what is coded)"),
    "orig.summary": (
        "清洗改动 {n} 处，乱码 {g} 处，另有 {w} 处只改了空白或换行",
        "{n} cleaning change(s), {g} garbled run(s), and {w} change(s) of white space or line breaks only",
    ),
    "orig.legend": (
        "红色删除线：清洗删去；黄色：改写；绿色：清洗加入；红色波浪线：乱码（无法还原，不进入编码表）；点击改动跳到另一侧",
        "Red strike-through: removed by cleaning; yellow: rewritten; green: added; red wavy line: garbled (cannot be restored, left out of the tables); click a change to see the other side",
    ),
    "orig.next": ("下一处改动", "Next change"),
    "orig.deleted": ("清洗删去了这段文字", "cleaning removed this text"),
    "orig.inserted": ("清洗加入了这段文字", "cleaning added this text"),
    "orig.was": ("另一侧：{x}", "other side: {x}"),
    # -- code tree --------------------------------------------------------------------
    "codes.title": ("编码树", "Code tree"),
    "codes.new": ("新建编码", "New code"),
    "codes.name": ("名称", "Name"),
    "codes.level": ("层级", "Level"),
    "codes.parent": ("上级", "Parent"),
    "codes.top": ("（顶层）", "(top level)"),
    "codes.color": ("颜色", "Colour"),
    "codes.description": ("内涵", "Description"),
    "codes.rename": ("重命名", "Rename"),
    "codes.add_child": ("添加下级", "Add child"),
    "codes.merge": ("合并所选到…", "Merge selected into…"),
    "codes.merge_pick": (
        "勾选编码后可批量移动或合并，或点击目标编码的「合并到此」",
        "Tick codes to move or merge them together, or click “Merge here” on the target",
    ),  # fmt: skip
    "codes.merge_here": ("合并到此", "Merge here"),
    "codes.delete_confirm": ("确定删除编码「{x}」？", "Delete code “{x}”?"),
    "codes.delete_force": (
        "{x}\n仍要删除它及其全部编码记录和下级吗？（可撤销）",
        "{x}\nDelete it with all its codings and children? (undoable)",
    ),  # fmt: skip
    "codes.move_cycle": (
        "不能把「{x}」移到它自己或它的下级之下",
        "“{x}” cannot move under itself or one of its own children",
    ),
    "codes.move_name": (
        "那里已有名为「{x}」的编码；请先重命名或合并",
        "a code named “{x}” is already there; rename or merge it first",
    ),
    "codes.drop_top": ("拖到这里移到顶层", "Drop here to move to the top level"),
    "codes.count": ("编码数 {c}（含下级 {t}）", "{c} codings ({t} with children)"),
    "codes.codings": ("编码记录（含上下文）", "Codings in context"),
    "codes.descendants": ("含下级", "With children"),
    "codes.empty": ("还没有编码。", "No codes yet."),
    "codes.select": ("点击左侧编码查看它的编码记录", "Click a code to read its codings"),
    "codes.open_doc": ("打开文档", "Open document"),
    # -- axial / selective ------------------------------------------------------------
    "model.relations": ("范畴关系", "Relations"),
    "model.source": ("起点范畴", "From"),
    "model.target": ("终点范畴", "To"),
    "model.type": ("关系类型", "Type"),
    "model.description": ("关系内涵", "Meaning"),
    "model.storyline": ("故事线", "Storyline"),
    "model.diagram": ("模型图", "Model diagram"),
    "model.svg": ("下载 SVG", "Download SVG"),
    "model.png": ("下载 PNG", "Download PNG"),
    "model.pdf": ("下载 PDF", "Download PDF"),
    "model.layout": ("布局", "Layout"),
    "model.layout_tree": ("编码树", "Code tree"),
    "model.layout_paradigm": ("范式模型", "Paradigm model"),
    "model.roles_help": (
        "为每个主范畴指定它在范式模型中的角色（因果条件 → 现象 → 情境/中介条件 → 行动策略 → 结果）",
        "Give each main category its role in the paradigm model (causal conditions → phenomenon → "
        "context / intervening conditions → action strategies → consequences)",
    ),
    "model.no_role": ("（无角色）", "(no role)"),
    "model.no_roles": (
        "还没有为主范畴指定范式角色：在下方为它们选择角色",
        "No category has a paradigm role yet: choose their roles below",
    ),
    "model.drag_help": (
        "拖动方框可调整位置（保存在项目中，可撤销）；双击方框恢复自动位置。下载的图按此位置绘制。",
        "Drag a box to move it (kept in the project, undoable); double-click it to put it back. "
        "The downloaded figure is drawn with the boxes where they are.",
    ),
    "model.empty": (
        "先在编码树中建立核心范畴、主范畴和副范畴",
        "Build core, main and sub-categories in the code tree first",
    ),  # fmt: skip
    "model.no_relations": ("还没有关系", "No relations yet"),
    # -- hierarchy chart ----------------------------------------------------------------
    "hier.title": ("编码层级图", "Code hierarchy chart"),
    "hier.note": (
        "每个编码的面积是它（含下级）的编码记录数；没有编码记录的编码不占面积",
        "Each code's area is its number of codings, with its children's; codes without "
        "codings take no room",
    ),
    "hier.svg": ("下载 SVG", "Download SVG"),
    "hier.png": ("下载 PNG", "Download PNG"),
    # -- memos ------------------------------------------------------------------------
    "nav.memos": ("备忘录", "Memos"),
    "memo.search": ("搜索标题和正文…", "Search titles and text…"),
    "memo.type": ("类型", "Type"),
    "memo.type.none": ("未分类", "No type"),
    "memo.type.code": ("编码备忘录", "Code memo"),
    "memo.type.theory": ("理论备忘录", "Theory memo"),
    "memo.type.method": ("方法备忘录", "Method memo"),
    "memo.type.reflection": ("反思备忘录", "Reflection memo"),
    "memo.target": ("对象", "About"),
    "memo.target.project": ("项目", "Project"),
    "memo.target.document": ("文档", "Document"),
    "memo.target.code": ("编码", "Code"),
    "memo.target.coding": ("编码片段", "Coding"),
    "memo.target.relation": ("关系", "Relation"),
    "memo.new": ("写备忘录", "Write a memo"),
    "memo.new_on": ("写一条关于{x}的备忘录", "Write a memo about {x}"),
    "memo.export_md": ("导出 Markdown", "Export Markdown"),
    "memo.export_docx": ("导出 DOCX", "Export DOCX"),
    "memo.empty": ("没有符合条件的备忘录", "No memos match"),
    "memo.count": ("共 {n} 条备忘录", "{n} memo(s)"),
    "memo.all": ("显示全部备忘录", "Show all memos"),
    "memo.on_code": ("此编码的备忘录", "Memos on this code"),
    "memo.open": ("备忘录（{n}）", "Memos ({n})"),
    "memo.delete_confirm": ("确定删除这条备忘录？（可撤销）", "Delete this memo? (undoable)"),
    # -- tables / saturation / agreement ----------------------------------------------
    "tables.title": ("扎根理论编码表", "Grounded-theory tables"),
    "tables.xlsx": ("下载 XLSX", "Download XLSX"),
    "tables.docx": ("下载 DOCX（三线表）", "Download DOCX (three-line tables)"),
    "tables.qdpx": ("导出 QDPX（REFI-QDA）", "Export QDPX (REFI-QDA)"),
    "tables.chain": ("各级编码数量", "Counts per level"),
    "sat.title": ("理论饱和度检验", "Theoretical saturation test"),
    "sat.holdout": ("预留文档", "Held-out documents"),
    "sat.uncoded": ("尚未编码的预留文档", "Held-out documents not coded yet"),
    "sat.new": ("新增的概念、范畴和关系", "New concepts, categories and relations"),
    "sat.counts": ("各层级", "Per level"),
    "agr.title": ("编码一致性检验", "Inter-coder agreement"),
    "agr.a": ("编码员 A", "Coder A"),
    "agr.b": ("编码员 B", "Coder B"),
    "agr.by_code": ("按编码", "Per code"),
    "agr.pooled": ("合计", "Pooled"),
    "agr.ai": ("{x}（首选建议）", "{x} (top suggestions)"),
    "agr.ai_note": (
        "AI 即各句的首选建议（无论已接受、拒绝或待定：模型当时所说），只在双方都涉及的文档上比较；"
        "要为已编码的句子也生成建议，运行 zhagen suggest --coded",
        "AI is each sentence's top-1 suggestion (accepted, rejected or open: what the source "
        "said), compared on the documents both covered; to suggest for coded sentences too, "
        "run zhagen suggest --coded",
    ),
    "agr.definitions": ("指标说明", "Definitions"),
    "agr.def.percent_agreement": (
        "（双方均编码 + 双方均未编码）/ 单位数 × 100（NVivo 的一致百分比）",
        "(both + neither) / units × 100 (NVivo's percent agreement)",
    ),
    "agr.def.holsti_r": (
        "Holsti 信度 = 2M / (N1 + N2)：M 为双方均编码的单位数，N1、N2 为各自编码的单位数（Holsti 1969）",
        "Holsti's R = 2M / (N1 + N2): M units coded by both, N1 and N2 the units each coded "
        "(Holsti 1969)",
    ),
    "agr.def.kappa": (
        "Cohen κ = (pₒ − pₑ) / (1 − pₑ)：观察一致率扣除偶然一致（Cohen 1960）",
        "Cohen's κ = (pₒ − pₑ) / (1 − pₑ): observed agreement beyond chance (Cohen 1960)",
    ),
    "agr.def.alpha": (
        "Krippendorff α（名义）= 1 − Dₒ / Dₑ：观察分歧与期望分歧之比（Krippendorff 2004）",
        "Krippendorff's α (nominal) = 1 − Dₒ / Dₑ: observed over expected disagreement "
        "(Krippendorff 2004)",
    ),
    "agr.blind_note": (
        "盲编码进行中：计算一致性后将向所有编码员显示全部编码",
        "Blind coding is on: computing agreement reveals everyone's codings",
    ),  # fmt: skip
    # -- map --------------------------------------------------------------------------
    "map.title": ("关键词共现知识图谱", "Keyword co-occurrence map"),
    "map.run": ("生成图谱", "Build map"),
    "map.running": ("正在生成图谱…", "Building the map…"),
    "map.runs": ("历次运行", "Runs"),
    "map.tab.map": ("图谱", "Map"),
    "map.tab.nodes": ("节点", "Nodes"),
    "map.tab.clusters": ("聚类", "Clusters"),
    "map.tab.bursts": ("突现", "Bursts"),
    "map.tab.timeline": ("时间线", "Timeline"),
    "map.tab.files": ("文件", "Files"),
    "map.records": ("包含该词的记录", "Records with this term"),
    "map.filter": ("筛选节点…", "Filter nodes…"),
    "map.none": (
        "还没有图谱，设置参数后点击「生成图谱」",
        "No map yet: set the parameters and click “Build map”",
    ),  # fmt: skip
    "map.advanced": ("更多参数", "More parameters"),
    "map.thesaurus": ("叙词表（可选）", "Thesaurus (optional)"),
    "map.thesaurus_hint": (
        "UTF-8 文本，每行“原词<Tab>替换词”，替换词为空即删除该词（同 zhagen map --thesaurus）",
        "UTF-8 text, one 'label<TAB>replace by' per line; an empty replacement deletes the "
        "label (as zhagen map --thesaurus)",
    ),
    "map.thesaurus_used": ("使用叙词表", "Thesaurus"),
    # -- settings ---------------------------------------------------------------------
    "set.title": ("设置", "Settings"),
    "set.coder": ("我的编码员名称", "My coder name"),
    "set.blind": (
        "盲编码：编码员只看到自己的编码（计算一致性后解除）",
        "Blind coding: coders see only their own codings (lifted when agreement is computed)",
    ),  # fmt: skip
    "set.users": ("账户", "Accounts"),
    "set.role": ("角色", "Role"),
    "set.role.owner": ("所有者", "Owner"),
    "set.role.coder": ("编码员", "Coder"),
    "set.role.viewer": ("只读", "Viewer"),
    "set.add_user": ("添加账户", "Add account"),
    "set.history": ("编辑历史", "Edit history"),
    "set.local": ("本机模式：无需登录", "Local mode: no login needed"),
    # -- queries ----------------------------------------------------------------------
    "q.tab.words": ("词频", "Word frequency"),
    "q.tab.search": ("文本搜索", "Text search"),
    "q.tab.matrix": ("矩阵编码", "Matrix coding"),
    "q.tab.framework": ("框架矩阵", "Framework matrix"),
    "q.tab.cooccurrence": ("编码共现", "Code co-occurrence"),
    "q.run": ("运行查询", "Run query"),
    "q.cloud": ("词云", "Word cloud"),
    "q.heat": ("热图", "Heat map"),
    "q.totals": (
        "计入词次 {total}，不同词 {distinct}，文档 {docs} 篇",
        "{total} words counted, {distinct} distinct, {docs} documents",
    ),
    "q.hits": (
        "命中 {total} 处（{docs} 篇文档），列出 {shown} 处",
        "{total} hits in {docs} documents, {shown} listed",
    ),
    "q.code_all": ("全部编码为", "Code all hits as"),
    "q.code_name": ("编码名称（已有或新建）", "code name (existing or new)"),
    "q.coded": (
        "已编码 {n} 处（{docs} 篇文档），可一次撤销",
        "coded {n} spans in {docs} documents; one undo takes them back",
    ),
    "q.cell": ("单元格：{x}", "Cell: {x}"),
    "q.drill": ("点击单元格查看编码文本", "Click a cell to read the coded text"),
    "q.none": ("没有结果", "No results"),
    "q.document": ("文档", "Document"),
    "q.sentence": ("句", "Sentence"),
    "q.text": ("文本", "Text"),
    "q.definitions": ("说明", "Definitions"),
    # -- sets and the scope of an analysis (issue 12) ------------------------------------
    "sets.select_all": ("全选本页", "Select this page"),
    "sets.selected": ("已选 {n} 篇", "{n} selected"),
    "sets.add_to": ("加入集合…", "Add to set…"),
    "sets.save_filter": ("将当前筛选存为集合…", "Save this filter as a set…"),
    "sets.name_prompt": (
        "集合名称（已有集合则加入其中）",
        "Set name (an existing set is added to)",
    ),
    "sets.added": ("已加入集合“{name}”：{n} 篇", "Added to set {name}: {n}"),
    "sets.saved": ("已保存集合“{name}”：{n} 篇", "Saved set {name}: {n} documents"),
    "scope.count": ("{n} / {total} 篇", "{n} of {total} documents"),
    "scope.all": ("全部文档", "all documents"),
    "scope.of_map": ("范围", "Scope"),
}


#: The names of what the pages and files show from the library (columns, values, the
#: choices of a declared parameter), by prefix: ``col.`` a table column (of agreement,
#: saturation, the paper tables, a map's nodes, clusters and bursts, its summary),
#: ``caption.`` a paper table's caption, ``sheet.`` a workbook's sheet, ``val.`` a value
#: (document types, what saturation found), ``choice.<parameter>.`` a form's option.
#: ``tests/test_web_model.py`` fails on any name shown without one.
_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "col.": {
        # agreement (coding/agreement.py)
        "code": ("编码编号", "Code ID"), "code_name": ("编码", "Code"),
        "codes": ("编码数", "Codes"), "units": ("单位数", "Units"),
        "both": ("双方均编码", "Both coded"), "a_only": ("仅 A 编码", "A only"),
        "b_only": ("仅 B 编码", "B only"), "neither": ("双方均未编码", "Neither"),
        "coded_a": ("A 编码单位数", "Coded by A"), "coded_b": ("B 编码单位数", "Coded by B"),
        "percent_agreement": ("一致百分比（%）", "Percent agreement (%)"),
        "holsti_r": ("Holsti 信度", "Holsti's R"), "kappa": ("Cohen κ", "Cohen's κ"),
        "alpha": ("Krippendorff α", "Krippendorff's α"), "document": ("文档", "Document"),
        "pct_a_and_b": ("一致编码（%）", "A and B (%)"),
        "pct_neither": ("一致未编码（%）", "Neither (%)"),
        "pct_disagreement": ("不一致（%）", "Disagreement (%)"),
        "pct_a_not_b": ("A 有 B 无（%）", "A, not B (%)"),
        "pct_b_not_a": ("B 有 A 无（%）", "B, not A (%)"),
        # saturation (coding/saturation.py)
        "kind": ("类别", "Kind"), "id": ("编号", "ID"), "name": ("名称", "Name"),
        "level": ("层级", "Level"), "level_name": ("层级名称", "Level name"),
        "level_name_en": ("层级名称", "Level name"),
        "holdout_codings": ("预留文档中的编码数", "Codings in held-out documents"),
        "documents": ("文档", "Documents"), "reason_zh": ("原因", "Reason"),
        "reason_en": ("原因", "Reason"), "total": ("总数", "Total"),
        "in_holdout": ("见于预留文档", "In held-out documents"), "new": ("新增", "New"),
        # a map's nodes, clusters, bursts and summary (report/mapfiles.py)
        "label": ("节点", "Label"), "frequency": ("频次", "Frequency"),
        "degree": ("度", "Degree"), "weighted_degree": ("加权度", "Weighted degree"),
        "total_link_strength": ("总连线强度（剪枝前）", "Total link strength (before pruning)"),
        "betweenness": ("中介中心性", "Betweenness centrality"),
        "burst_strength": ("突现强度", "Burst strength"),
        "burst_begin": ("突现开始", "Burst begins"), "burst_end": ("突现结束", "Burst ends"),
        "sigma": ("Σ 值", "Sigma"), "cluster": ("聚类", "Cluster"),
        "first_year": ("首次出现年份", "First year"), "x": ("横坐标", "X"), "y": ("纵坐标", "Y"),
        "size": ("规模", "Size"), "silhouette": ("轮廓值 S", "Silhouette S"),
        "label_llr": ("标签（LLR）", "Label (LLR)"), "label_tfidf": ("标签（TF-IDF）", "Label (TF-IDF)"),
        "label_mi": ("标签（MI）", "Label (MI)"), "mean_year": ("平均年份", "Mean year"),
        "members": ("成员", "Members"), "term": ("词", "Term"), "strength": ("强度", "Strength"),
        "begin": ("开始", "Begins"), "end": ("结束", "Ends"), "last_year": ("最后出现年份", "Last year"),
        "records": ("记录数", "Records"), "nodes": ("节点数", "Nodes"), "edges": ("连线数", "Links"),
        "clusters": ("聚类数", "Clusters"), "modularity": ("模块度 Q", "Modularity Q"),
        "bursts": ("突现词数", "Bursts"),
        # the paper tables (report/tables.py): Chinese columns, English in the English pages
        "原始语句": ("原始语句", "Original statement"), "初始概念": ("初始概念", "Initial concept"),
        "初始范畴": ("初始范畴", "Initial category"), "文档": ("文档", "Document"),
        "起": ("起", "Start"), "止": ("止", "End"), "编码者": ("编码者", "Coder"),
        "编码ID": ("编码ID", "Coding ID"), "主范畴": ("主范畴", "Main category"),
        "副范畴": ("副范畴", "Sub-category"), "内涵": ("内涵", "Meaning"),
        "主范畴ID": ("主范畴ID", "Main category ID"), "副范畴ID": ("副范畴ID", "Sub-category ID"),
        "参考点": ("参考点", "References"), "文档数": ("文档数", "Documents"),
        "典型关系结构": ("典型关系结构", "Typical relation structure"),
        "关系内涵": ("关系内涵", "Meaning of the relation"),
        "代表性语句": ("代表性语句", "Representative statement"),
        "关系类型": ("关系类型", "Relation type"), "关系ID": ("关系ID", "Relation ID"),
        "共现语句数": ("共现语句数", "Co-occurring sentences"), "层级": ("层级", "Level"),
        "数量": ("数量", "Count"), "英文": ("英文", "English"),
    },
    "caption.": {
        "开放式编码结果": ("开放式编码结果", "Open coding"),
        "主轴编码结果": ("主轴编码结果", "Axial coding"),
        "主范畴的典型关系结构": ("主范畴的典型关系结构", "Typical relation structures of the main categories"),
        "各级编码数量": ("各级编码数量", "Codes per level"),
    },
    "sheet.": {
        "新增": ("新增", "New"), "各层级": ("各层级", "Per level"), "按编码": ("按编码", "Per code"),
        "按编码×文档": ("按编码×文档", "Per code x document"), "合计": ("合计", "Pooled"),
    },
    "val.": {
        "journal": ("期刊论文", "Journal article"), "thesis": ("学位论文", "Thesis"),
        "conference": ("会议论文", "Conference paper"), "newspaper": ("报纸", "Newspaper"),
        "book": ("图书", "Book"), "patent": ("专利", "Patent"), "standard": ("标准", "Standard"),
        "report": ("报告", "Report"), "yearbook": ("年鉴", "Yearbook"),
        "document": ("文档", "Document"), "other": ("其他", "Other"),
        "code": ("编码", "Code"), "relation": ("关系", "Relation"),
    },
    "choice.": {
        "field.keywords": ("关键词", "Keywords"), "field.terms": ("分词术语", "Segmented terms"),
        "link.count": ("共现次数", "Co-occurrence count"),
        "link.cosine": ("余弦（Salton）", "Cosine (Salton)"), "link.jaccard": ("Jaccard 系数", "Jaccard"),
        "link.association": ("关联强度（VOSviewer）", "Association strength (VOSviewer)"),
        "link.association-occurrence": ("关联强度（按出现次数）", "Association strength (occurrences)"),
        "link_scope.slices": ("各切片网络合并（同 CiteSpace）", "Merged slice networks (as CiteSpace)"),
        "link_scope.all": ("全部记录计数", "Counted over all records"),
        "silhouette.spectral": ("谱空间（CiteSpace）", "Spectral space (CiteSpace)"),
        "silhouette.network": ("网络距离", "Network distance"),
        "betweenness.auto": ("自动（大网络估计）", "Automatic (estimated on large networks)"),
        "betweenness.exact": ("精确", "Exact"),
        "betweenness.estimate": ("抽样源节点估计", "Estimated from sampled sources"),
        "label_source.titles+keywords": ("标题名词短语与关键词", "Title phrases and keywords"),
        "label_source.keywords": ("仅关键词", "Keywords only"),
        "nodes.keyword": ("关键词", "Keywords"), "nodes.term": ("分词术语", "Segmented terms"),
        "nodes.author": ("作者", "Authors"), "nodes.institution": ("机构", "Institutions"),
        "nodes.country": ("国家/地区", "Countries"), "nodes.reference": ("被引文献（共被引）", "Cited references (co-citation)"),
        "nodes.cited-author": ("被引作者", "Cited authors"), "nodes.cited-journal": ("被引期刊", "Cited journals"),
        "nodes.category": ("学科类别（WoS）", "Subject categories (WoS)"),
        "nodes.coupling": ("文献耦合", "Bibliographic coupling"),
        "institution_level.top": ("一级机构", "Top-level institution"),
        "institution_level.department": ("保留院系", "Department"),
        "homonyms.institution": ("按机构与合作者区分同名作者", "Tell same names apart by institution"),
        "homonyms.none": ("不区分同名作者", "Do not tell same names apart"),
        "measure.codings": ("编码数", "Codings"), "measure.documents": ("文档数", "Documents"),
        "measure.characters": ("字符数", "Characters"),
        "spread.hit": ("命中词", "The hit"), "spread.sentence": ("所在句", "Its sentence"),
        "spread.paragraph": ("所在段", "Its paragraph"),
        "unit.overlap": ("片段重叠", "Overlapping spans"), "unit.document": ("同一文档", "Same document"),
        "prune.none": ("不剪枝", "No pruning"), "prune.pathfinder": ("寻径网络（Pathfinder）", "Pathfinder"),
        "prune.mst": ("最小生成树", "Minimum spanning tree"),
        "lang.zh": ("中文", "Chinese"), "lang.en": ("英文", "English"), "lang.all": ("全部语言", "All languages"),
        "burst_terms.all": ("全部合格词", "All eligible terms"),
        "burst_terms.nodes": ("仅图谱节点", "Map nodes only"),
        "unit.char": ("字符（同 NVivo）", "Characters (as NVivo)"), "unit.sentence": ("句子", "Sentences"),
    },
}  # fmt: skip
for _prefix, _pairs in _LABELS.items():
    STRINGS.update({_prefix + k: v for k, v in _pairs.items()})

#: Columns a page and a download show in one language only (the other's twin is dropped).
OTHER_LANGUAGE_COLUMNS = {"zh": ("reason_en", "level_name_en"), "en": ("reason_zh", "level_name")}


def lang_of(value: str | None) -> str:
    """A supported language code (``zh`` unless ``en`` is asked for)."""
    return "en" if (value or "").lower().startswith("en") else "zh"


def t(key: str, lang: str = "zh") -> str:
    """The string for ``key`` in ``lang`` (the key itself when unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def label(prefix: str, value: object, lang: str = "zh") -> str:
    """The name of a column, value or choice (``prefix`` + value), or the value itself.

    >>> label("col.", "holsti_r", "en"), label("val.", "journal"), label("col.", "其他")
    ("Holsti's R", '期刊论文', '其他')
    """
    key = f"{prefix}{value}"
    return t(key, lang) if key in STRINGS else str(value)


def strings(lang: str) -> dict[str, str]:
    """Every string in ``lang``, for the page's JavaScript."""
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in STRINGS.items()}
