"""Tests for zhagen.text.segment and zhagen.text.lexicon (and the shipped word lists)."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from gold_segmentation import GOLD, load_gold  # noqa: E402
from zhagen.errors import InputError
from zhagen.text.lexicon import (
    DictEntry,
    apply_thesaurus,
    load_thesaurus,
    load_user_dict,
    load_wordlist,
    package_data,
)
from zhagen.text.segment import Segmenter, default_segmenter, word_prf

# Terms the domain dictionary must have (the project's brief names them).
REQUIRED_TERMS = (
    "新质生产力 创新联合体 专精特新 关键核心技术 卡脖子 揭榜挂帅 产学研 全要素生产率 高质量发展 "
    "科技自立自强 数字经济 现代化产业体系 未来产业 战略性新兴产业 新型举国体制 创新链 产业链 "
    "资金链 人才链 科技成果转化 营商环境 共同富裕 乡村振兴 双碳 碳达峰 碳中和 扎根理论 主范畴 "
    "核心范畴 初始概念 开放式编码 主轴编码 选择性编码 理论饱和度"
).split()


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter()


@pytest.fixture(scope="module")
def gold_rows(corpora: Path) -> list[tuple[str, list[str]]]:
    """The gold sentences, rebuilt from the seeds in ../shared (no seed text is stored)."""
    return load_gold(corpora / "seeds")


def domain_words() -> set[str]:
    return {e.word for e in load_user_dict(package_data("domain_dict.txt"))}


# -- shipped data files ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["domain_dict.txt", "stopwords_zh.txt", "stopwords_en.txt", "thesaurus_example.txt"]
)
def test_data_files_have_a_header_naming_authors_and_licence(name: str) -> None:
    head = package_data(name).read_text(encoding="utf-8")[:400]
    assert head.startswith("#")
    assert "zhagen developers" in head and "MIT" in head


def test_package_data_unknown_name_lists_shipped_files() -> None:
    with pytest.raises(FileNotFoundError, match="domain_dict.txt"):
        package_data("nope.txt")


def test_domain_dict_is_large_unique_and_has_the_required_terms() -> None:
    entries = load_user_dict(package_data("domain_dict.txt"))
    words = [e.word for e in entries]
    assert len(words) >= 300
    assert len(words) == len(set(words))
    assert all(e.freq and e.freq > 0 and e.pos for e in entries)
    missing = [t for t in REQUIRED_TERMS if t not in words]
    assert not missing


def test_every_domain_entry_is_cut_whole(seg: Segmenter) -> None:
    split = [w for w in domain_words() if seg.cut(w) != [w]]
    assert not split


def test_stopword_lists_are_moderate() -> None:
    zh = set(load_wordlist(package_data("stopwords_zh.txt")))
    en = set(load_wordlist(package_data("stopwords_en.txt")))
    assert {"的", "了", "我们", "因此"} <= zh
    assert {"the", "of", "and"} <= en
    # topic words of this domain must never be stopwords
    assert not zh & {"创新", "发展", "政策", "技术", "产业", "企业", "新质生产力"}
    assert not zh & domain_words()


def test_example_thesaurus_loads_and_merges_variants() -> None:
    mapping = load_thesaurus(package_data("thesaurus_example.txt"))
    assert 10 <= len(mapping) <= 20
    assert mapping["产学研合作"] == "产学研"
    assert mapping["大数据技术"] == "大数据"
    assert "" in mapping.values()  # it shows deletion too


# -- lexicon readers --------------------------------------------------------------------


def test_load_wordlist_skips_comments_blanks_bom_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes("\ufeff# 注释\n的\n\n  了 \r\n的\n".encode())
    assert load_wordlist(path) == ["的", "了"]
    assert load_wordlist(str(path)) == ["的", "了"]


def test_load_user_dict_optional_fields() -> None:
    assert load_user_dict(["新质生产力 20000 nz", "创新联合体", "揭榜挂帅 nz", "AI 3"]) == [
        DictEntry("新质生产力", 20000, "nz"),
        DictEntry("创新联合体", None, None),
        DictEntry("揭榜挂帅", None, "nz"),
        DictEntry("AI", 3, None),
    ]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_load_thesaurus_file_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(bom + "label\treplace by\n# c\n\n大数据技术\t大数据\r\n研究\t\n".encode())
    assert load_thesaurus(path) == {"大数据技术": "大数据", "研究": ""}


def test_load_thesaurus_from_text_and_lines() -> None:
    assert load_thesaurus("a\tb\nc\t") == {"a": "b", "c": ""}
    assert load_thesaurus(["a\tb"]) == {"a": "b"}


@pytest.mark.parametrize("bad", ["产学研合作 产学研", "a\tb\tc", "\t产学研"])
def test_load_thesaurus_malformed_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "thes.txt"
    path.write_text(f"# header\n大数据技术\t大数据\n{bad}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_thesaurus(path)
    err = info.value
    assert err.file == str(path) and err.line == 3
    assert "thes.txt" in str(err) and "line 3" in str(err)
    assert "叙词表" in err.zh and "thesaurus" in err.en


def test_load_thesaurus_conflicting_duplicate_is_an_error() -> None:
    with pytest.raises(InputError, match="line 1") as info:
        load_thesaurus(["a\tb", "a\tb", "a\tc"])
    assert info.value.line == 3


def test_readers_report_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_wordlist(tmp_path / "missing.txt")
    assert "missing.txt" in str(info.value)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("的\n新质生产力\t新质\n".encode("gbk"))
    with pytest.raises(InputError, match="UTF-8") as info:
        load_thesaurus(gbk)
    assert info.value.line == 1


def test_apply_thesaurus_replaces_once_and_deletes() -> None:
    mapping = {"a": "b", "b": "c", "x": ""}
    assert apply_thesaurus(["a", "b", "x", "y"], mapping) == ["b", "c", "y"]


# -- Segmenter ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("加快发展新质生产力，扎实推进高质量发展", "新质生产力"),
        ("支持领军企业牵头组建创新联合体", "创新联合体"),
        ("培育专精特新企业", "专精特新"),
        ("打赢关键核心技术攻坚战", "关键核心技术"),
        ("实行揭榜挂帅等制度", "揭榜挂帅"),
        ("通过开放式编码、主轴编码和选择性编码", "主轴编码"),
        ("进行理论饱和度检验", "理论饱和度"),
    ],
)
def test_domain_terms_survive_in_context(seg: Segmenter, text: str, term: str) -> None:
    assert term in seg.cut(text)
    assert term not in Segmenter(domain_dict=False).cut(text)  # jieba alone splits it


def test_cut_drops_whitespace_keeps_punctuation(seg: Segmenter) -> None:
    words = seg.cut("  新质生产力 \n\n 发展，AI  产业\t")
    assert words == ["新质生产力", "发展", "，", "AI", "产业"]
    assert all(w.strip() for w in words)


def test_tag_returns_word_tag_pairs(seg: Segmenter) -> None:
    tagged = seg.tag("发展 新质生产力")
    assert tagged == [("发展", "vn"), ("新质生产力", "nz")]


def test_terms_filters_stopwords_numbers_punctuation_and_non_nouns(seg: Segmenter) -> None:
    terms = seg.terms("2024年，我们在研究中发现：新质生产力是推动高质量发展的内在要求。")
    assert "新质生产力" in terms and "高质量发展" in terms
    for bad in ("2024", "，", "我们", "研究", "是", "推动", "的"):
        assert bad not in terms
    assert all(len(t) >= 2 for t in terms)


def test_terms_keep_latin_words_but_not_english_stopwords(seg: Segmenter) -> None:
    terms = seg.terms("AI产业 and ChatGPT")
    assert "AI" in terms and "ChatGPT" in terms and "and" not in terms


def test_thesaurus_replaces_deletes_and_keeps_labels_whole() -> None:
    seg = Segmenter(thesaurus={"产学研合作": "产学研", "大数据技术": "大数据", "深度": ""})
    assert "产学研合作" in seg.cut("深化产学研合作")
    assert seg.terms("深化产学研合作，运用大数据技术，深度融合") == ["产学研", "大数据", "融合"]


def test_thesaurus_from_file(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("AI\t人工智能\n", encoding="utf-8")
    assert Segmenter(thesaurus=path).terms("AI产业") == ["人工智能", "产业"]
    assert Segmenter(thesaurus=package_data("thesaurus_example.txt")).terms("AI") == ["人工智能"]


def test_stopwords_false_or_custom() -> None:
    assert "研究" in Segmenter(stopwords=False).terms("研究数字经济")
    custom = Segmenter(stopwords=["数字经济"])
    assert custom.terms("研究数字经济") == ["研究"]


def test_user_dict_file_and_extra_words(tmp_path: Path) -> None:
    path = tmp_path / "user.txt"
    path.write_text("# 我的词典\n数智赋能 5 nz\n链主\n", encoding="utf-8")
    seg = Segmenter(user_dicts=[path], extra_words=["耐心资本"], domain_dict=False)
    assert seg.cut("数智赋能链主培育耐心资本") == ["数智赋能", "链主", "培育", "耐心资本"]
    assert {"数智赋能", "链主", "耐心资本"} <= seg.words
    assert "耐心资本" in seg.terms("培育耐心资本")


def test_segmenters_do_not_share_dictionaries() -> None:
    import rjieba

    one = Segmenter(domain_dict=False, extra_words=["质生产"])
    two = Segmenter(domain_dict=False)
    text = "新质生产力"
    assert "质生产" in one.cut(text)
    assert "质生产" not in two.cut(text)
    two.add_words(["新质生产力"])
    assert one.cut(text) != [text] and two.cut(text) == [text]
    assert not rjieba.has_word("新质生产力")  # rjieba's process-wide dictionary untouched


def test_has_word_covers_jieba_and_added_words() -> None:
    seg = Segmenter(domain_dict=False, extra_words=["耐心资本"])
    assert seg.has_word("经济") and seg.has_word("耐心资本") and not seg.has_word("新质生产力")


def test_default_segmenter_is_cached() -> None:
    assert default_segmenter() is default_segmenter()
    assert "新质生产力" in default_segmenter().words


def test_segmenter_pickles_with_its_words() -> None:
    seg = Segmenter(extra_words=["耐心资本"], thesaurus={"AI": "人工智能"}, stopwords=["产业"])
    back = pickle.loads(pickle.dumps(seg))
    assert back.cut("培育耐心资本和新质生产力") == seg.cut("培育耐心资本和新质生产力")
    assert back.terms("AI产业") == ["人工智能"]
    assert "Segmenter(" in repr(back)


# -- accuracy on the gold standard -------------------------------------------------------


def test_gold_file_is_well_formed(gold_rows) -> None:
    head = GOLD.read_text(encoding="utf-8")[:200]
    assert "written by the zhagen developers" in head
    rows = gold_rows
    assert 60 <= len(rows) <= 100
    assert {seed for seed, _ in rows} == {"001", "002", "003", "004"}
    for _, words in rows:
        assert all(words) and not any(re.search(r"\s", w) for w in words)


def test_gold_sentences_come_from_the_seeds(seeds: dict[str, str], gold_rows) -> None:
    flat = {k: re.sub(r"\s+", "", v) for k, v in seeds.items()}
    for seed, words in gold_rows:
        if seed != "002":  # 002 is indexed after 繁→简 conversion and repair
            assert "".join(words) in flat[seed]
        assert words[-1] in "。！？；…”" or len(words) > 3


def test_word_prf() -> None:
    gold = [["新质生产力", "的", "发展"]]
    assert word_prf(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = word_prf(gold, [["新质", "生产力", "的", "发展"]])
    assert (p, r) == (0.5, 2 / 3) and f == pytest.approx(4 / 7)
    with pytest.raises(ValueError):
        word_prf(gold, [["新质生产力"]])


def test_domain_dictionary_improves_gold_f1(seg: Segmenter, gold_rows) -> None:
    rows = gold_rows
    gold = [words for _, words in rows]
    plain = Segmenter(domain_dict=False)
    f1_domain = word_prf(gold, [seg.cut("".join(w)) for w in gold])[2]
    f1_plain = word_prf(gold, [plain.cut("".join(w)) for w in gold])[2]
    assert f1_domain >= 0.93
    assert f1_domain >= f1_plain + 0.08
    domain = domain_words()
    whole = sum(w in seg.cut("".join(words)) for words in gold for w in words if w in domain)
    total = sum(w in domain for words in gold for w in words)
    assert whole / total >= 0.97


def test_rjieba_segments_like_jieba(gold_rows) -> None:
    import jieba

    jieba.setLogLevel(60)
    plain = Segmenter(domain_dict=False)
    for _, words in gold_rows[:30]:
        text = "".join(words)
        assert plain.cut(text) == [w for w in jieba.lcut(text) if not w.isspace()]


def test_a_segmenter_does_not_build_rjiebas_module_level_dictionary():
    # `import rjieba` loads jieba's dictionary into a module-level instance zhagen never
    # uses; a Segmenter loads the compiled class alone and cuts exactly as the package's does.
    import subprocess
    import sys

    code = (
        "import sys; from zhagen.text.segment import Segmenter; "
        "words = Segmenter(domain_dict=False).cut('我们加快发展新质生产力'); "
        "print('rjieba' in sys.modules); import rjieba; "
        "print(words == rjieba.Jieba().cut('我们加快发展新质生产力'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
