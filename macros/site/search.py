"""Search vocabulary, from the data: the domain words jieba keeps whole when the index is built, and
the query side's data for the browser (the same words, aliases as synonyms, titles to rank by).

Both sides come from one function so that a query is cut into the words the index was cut into.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

from ..errors import BuildError
from ..render import Linker
from ..resolve import model as m

# Question words and particles a newcomer types around the words that matter. Dropped from a query
# when the segmenter cuts them out as words of their own (so 要点 keeps its 要, 目的 its 的).
QUESTION_WORDS = ("请问", "一下", "想问", "想要", "想", "算不算", "是不是", "有没有", "会不会", "有什么区别", "有何区别", "区别", "差别", "一般", "会", "是什么意思", "什么意思", "是什么", "有什么", "有哪些", "有多少", "多长时间", "多长", "多久", "多少", "怎么办", "怎么样", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "哪儿", "哪里", "哪", "几个", "几项", "几家", "几种", "几", "由谁", "是谁", "谁", "是否", "能否", "能不能", "可不可以", "可以", "需要", "应该", "应当", "要", "吗", "呢", "吧", "啊", "呀", "了", "的", "是", "有", "在", "和", "与", "及", "或", "把", "被", "对", "给", "都", "也", "还", "就", "又", "么")
# Everyday words a newcomer types, and the handbook's words for the same thing. General vocabulary,
# not answers: extend it when readers' questions miss for want of a word (make test shows the misses).
EVERYDAY_WORDS = MappingProxyType({
    "县里": ("县级",), "市里": ("市级",), "省里": ("省级",), "区里": ("区级",),
    "举报信": ("信访件", "信访举报"), "告状": ("信访", "举报"), "投诉": ("信访", "举报"),
    "一把手": ("主要负责人", "主要负责同志"), "头儿": ("负责人",), "领头": ("牵头",), "带头": ("牵头",),
    "找人谈话": ("谈话",), "谈心": ("谈话",), "讲究": ("要求",), "注意": ("要求",),
    "奖励": ("表彰",), "登记": ("台账",), "记账": ("台账",),
    "配合": ("协作", "协同", "联动"), "合作": ("协作", "联合"), "开会": ("会议",), "上报": ("报告", "报送"),
    "汇报": ("报告", "报送"), "追责": ("责任追究",), "案子": ("案件",), "涉嫌犯罪": ("涉刑",), "查案": ("办案", "查办"), "贪腐": ("腐败",), "贪污": ("腐败",),
    "收尾": ("归档", "归案"), "存档": ("归档",), "期限": ("时限",), "截止": ("时限",),
    "不归": ("不属于",), "不管": ("不属于",), "容错": ("容错纠错",), "把好": ("把关",),
    "犯错": ("失误", "错误"), "冤枉": ("不实举报", "诬告"), "说清楚": ("澄清",),
    "处理完": ("结果", "办结"), "办完": ("结果", "办结"), "查完": ("结果", "办结"), "弄完": ("结果", "办结"),
})
# A question that contains one of these asks for a time limit: the sections that state one (a step's
# limit, a procedure's frequency) rank first among those about what it asks. The words themselves
# say nothing about the subject, and every step reads "时限：来源未规定" when it has none, so they
# are not searched for.
TIME_WORDS = ("多久", "多长时间", "多少天", "几天", "几个月", "几个工作日", "期限", "时限", "截止", "什么时候",
              "何时", "多长", "多少时间", "超期", "逾期")
# Pages about the handbook itself: they mention everything and answer nothing, so they rank last.
DEMOTED_PAGES = ("coverage.html", "sources.html")
# Pages that list entries with their summaries: below the entries themselves.
LISTING_PAGES = ("index.html", "start.html", "roles/index.html", "procedures/index.html", "checklists/index.html",
                 "topics/index.html", "courses/index.html", "glossary.html")
# Weight of a title word against a body word (Material's default: 1000).
TITLE_BOOST = 10
MAX_WORD = 8  # longer names stay out: a whole-title token would not match a query split into words


def domain_words(handbook: m.Handbook) -> list[str]:
    """Names and aliases of roles and terms that must stay whole words on both sides of search."""
    words = [word for entry in (*handbook.roles, *handbook.terms) for word in entry.names]
    clean = (w.replace(" ", "") for w in words)
    return sorted({w for w in clean if 1 < len(w) <= MAX_WORD and "（" not in w and "(" not in w})


@contextmanager
def jieba_taught(handbook: m.Handbook) -> Iterator[None]:
    """Within the block, jieba (which Material's search plugin uses in this process) keeps the
    handbook's domain words whole; afterwards its dictionary is as it was.

    jieba's dictionary belongs to the process: without the restore, words of an earlier build (a
    test's fixture data, the previous state of `serve`) would change how this one is cut, and the
    same data would not give the same index. Done in-process rather than through
    `search.jieba_dict_user`, whose loader leaves the dictionary file open; a high frequency makes
    jieba keep each word whole.
    """
    import jieba

    tokenizer = jieba.dt
    tokenizer.check_initialized()
    words = domain_words(handbook)
    total = tokenizer.total
    # add_word also records every prefix of a word (with frequency 0): restore those too
    before = {word[:end]: tokenizer.FREQ.get(word[:end]) for word in words for end in range(1, len(word) + 1)}
    try:
        for word in words:
            tokenizer.add_word(word, freq=100000)
        yield
    finally:
        for fragment, frequency in before.items():
            if frequency is None:
                tokenizer.FREQ.pop(fragment, None)
            else:
                tokenizer.FREQ[fragment] = frequency
        tokenizer.total = total


def synonyms(handbook: m.Handbook) -> dict[str, list[str]]:
    """Every name and alias of a role or term, mapped to the entry's other names."""
    table: dict[str, list[str]] = {}
    for names in (entry.names for entry in (*handbook.roles, *handbook.terms)):
        if len(names) < 2:
            continue
        for name in names:
            others = table.setdefault(name, [])
            others += [other for other in names if other != name and other not in others]
    return table


def page_names(handbook: m.Handbook) -> dict[str, list[str]]:
    """Search locations of entry pages and sections, with the names a query may use for them."""
    link = Linker(0)
    entries = (*handbook.roles, *handbook.procedures, *handbook.checklists, *handbook.procedure_forms, *handbook.topics,
               *handbook.terms, *handbook.documents)
    return {link.link(entry): list(entry.names) for entry in entries}


def time_limits(handbook: m.Handbook) -> dict[str, str]:
    """Search locations of the steps that state a time limit and the procedures that state a
    frequency, with the limit as the source words it."""
    link = Linker(0)
    limits = {}
    for procedure in handbook.procedures:
        if procedure.frequency:
            limits[link.link(procedure)] = procedure.frequency.limit
        for step in procedure.time_limited_steps:
            limits[link.link(step)] = step.time_limit.limit
    return limits


def material_worker(theme_dir: Path) -> str:
    """Path of Material's search worker inside the site's assets (its name carries a hash)."""
    found = sorted((theme_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(found) != 1:
        raise BuildError(f"在 Material 主题（{theme_dir}）中应恰好找到一个检索线程脚本 search.*.min.js，实际找到 {len(found)} 个。"
                         "升级或重装 mkdocs-material 后，请按 README“维护”一节核对检索包装线程。")
    return found[0].relative_to(theme_dir).as_posix()


def query_data_script(handbook: m.Handbook, theme_dir: Path) -> str:
    """The data file the handbook's search worker loads (beside it and Material's worker, in
    assets/javascripts/workers/): plain data, no code; a part like the index's (see below), so that
    over http the worker fetches it beside the lexicon rather than waiting for it."""
    data = {
        "worker": Path(material_worker(theme_dir)).name,
        "words": domain_words(handbook),
        "questionWords": QUESTION_WORDS,
        "synonyms": synonyms(handbook),
        "everyday": dict(EVERYDAY_WORDS),
        "names": page_names(handbook),
        "demoted": list(DEMOTED_PAGES),
        "listings": list(LISTING_PAGES),
        "titleBoost": TITLE_BOOST,
        "timeWords": TIME_WORDS,
        "limits": time_limits(handbook),
    }
    return part_script(QUERY_DATA, data)


# -- the index, split for the first question ------------------------------------------------------
#
# Material's worker builds its lunr index from every document before it answers anything, and the
# page downloads all of them first: at 10× the data that is most of a 3-second first search. The
# build therefore leaves Material only the configuration in search/search_index.json (which every
# page fetches) and writes what a question needs beside it:
# - search/lexicon.js: the index's vocabulary (to cut a question into its words), how many sections
#   contain each word (to weigh it), and for each word the pages whose sections hold it as a word;
# - search/characters.js: the pages that hold each word of one Han character (for a question made
#   of nothing else);
# - search/pages/<n>.js: the sections of page n, as Material indexed them.
# The handbook's worker (handbook-search.js) loads the lexicon, and for each question only the pages
# that contain its words, and lets Material's worker index those. Both are scripts that call
# self.__hbPart(name, data): loaded by importScripts from a folder (file://, the offline copy), or
# fetched and read as JSON over http, so each exists once.

SEARCH_DIR = "search"
QUERY_DATA = "data"
LEXICON = "lexicon"
CHARACTERS = "characters"
PAGES_DIR = "pages"
PART_CALL = "self.__hbPart("
LONGEST_WORD = 12  # as the worker's LONGEST_WORD: longer runs are not looked up as words
_TAG = re.compile(r"<[^>]*>")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def part_script(name: str, data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"{PART_CALL}{json.dumps(name)},{text});\n"


def read_part(path: Path) -> object:
    """The data of a part written by part_script (as the worker reads it over http)."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def plain_text(doc: dict) -> str:
    """A section's title and text as a reader sees them, lower-case (the worker's plain())."""
    return _TAG.sub("", f"{doc['title']} {doc.get('text') or ''}").replace("\u200b", "").lower()


def split_search_index(site_dir: Path, handbook: m.Handbook) -> None:
    """Replace the full search index that MkDocs wrote (JSON, and the offline copy's script) by its
    configuration alone, and write the lexicon and one part per page (see above)."""
    folder = site_dir / SEARCH_DIR
    index = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
    config, docs = index["config"], index["docs"]
    separator = re.compile(config["separator"])
    pages: list[list[dict]] = []
    page_of: dict[str, int] = {}
    for doc in docs:  # Material lists a page before its sections
        key = doc["location"].split("#")[0]
        if key not in page_of:
            page_of[key] = len(pages)
            pages.append([])
        pages[page_of[key]].append(doc)
    # Words as Material's tokenizer cuts them (text between tags, split at the separator), and the
    # pages that hold each: a query word matches the words it begins (lunr's trailing wildcard).
    postings: dict[str, set[int]] = {}
    characters: dict[str, set[int]] = {}  # words of one Han character: many pages each, kept apart
    vocabulary: set[str] = set()
    for number, page in enumerate(pages):
        for doc in page:
            for field in (doc["title"], doc.get("text") or ""):
                for segment in _TAG.split(field):
                    for word in separator.split(segment):
                        word = word.lower()
                        if word and (len(word) > 1 or not _HAN_RUN.fullmatch(word)):
                            postings.setdefault(word, set()).add(number)
                        elif word:
                            characters.setdefault(word, set()).add(number)
                        if 1 < len(word) <= LONGEST_WORD and _HAN_RUN.search(word):
                            vocabulary.add(word)
    texts = [plain_text(doc) for doc in docs]
    counted = vocabulary | set(domain_words(handbook)) | set(EVERYDAY_WORDS)
    frequencies = section_frequencies(texts, counted)
    # in UTF-16 order, the order of JavaScript's string comparison, for the worker's binary search
    words = sorted(postings, key=_utf16)
    # Each word once: the worker takes its vocabulary (the Han words of 2 to LONGEST_WORD characters)
    # from this list, and reads each word's count and pages at the same place in the others.
    lexicon = {
        "sections": len(docs),
        "averageLength": sum(map(len, texts)) / max(1, len(texts)),
        "words": words,
        # how many sections hold each word anywhere (as the worker's text.includes); null: not counted
        "counts": [frequencies.get(word) for word in words],
        # counted words that are no word of the index (single characters, domain and everyday words)
        "otherCounts": {word: count for word, count in frequencies.items() if word not in postings},
        # the pages that hold each word: the first page's number, then the difference to the one
        # before (small numbers: a tenth of the lexicon at ten times the data), as one string per
        # word that the worker splits only for the question's words (reading thousands of arrays
        # of numbers kept the worker from answering the page for several milliseconds more)
        "pages": [",".join(map(str, deltas(sorted(postings[word])))) for word in words],
        "pageCount": len(pages),
        "locations": list(page_of),
    }
    (folder / PAGES_DIR).mkdir(exist_ok=True)
    (folder / f"{LEXICON}.js").write_text(part_script(LEXICON, lexicon), encoding="utf-8")
    # Only a question made of lone characters (望、闻、问、切) needs these.
    chars = {char: sorted(pages_of) for char, pages_of in characters.items()}
    (folder / f"{CHARACTERS}.js").write_text(part_script(CHARACTERS, chars), encoding="utf-8")
    for number, page in enumerate(pages):
        (folder / PAGES_DIR / f"{number}.js").write_text(part_script(str(number), page), encoding="utf-8")
    slim = json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"))
    (folder / "search_index.json").write_text(slim, encoding="utf-8")
    if (folder / "search_index.js").exists():  # Material's offline plugin: the same, as a script
        (folder / "search_index.js").write_text(f"var __index = {slim}", encoding="utf-8")


def deltas(numbers: list[int]) -> list[int]:
    """Sorted numbers as the first and the differences between neighbours."""
    return [number - before for number, before in zip(numbers, [0, *numbers], strict=False)]


def _utf16(word: str) -> bytes:
    return word.encode("utf-16-be")


def section_frequencies(texts: list[str], words: set[str]) -> dict[str, int]:
    """How many texts contain each of the words, and each Han character, anywhere (as the worker's
    text.includes): a run of Han characters is looked up once, however many sections repeat it."""
    runs: dict[str, frozenset[str]] = {}
    counts: dict[str, int] = {}
    for text in texts:
        found: set[str] = set()
        for run in _HAN_RUN.findall(text):
            if run not in runs:
                inside = set(run)
                for start in range(len(run)):
                    for end in range(start + 2, min(len(run), start + LONGEST_WORD) + 1):
                        if run[start:end] in words:
                            inside.add(run[start:end])
                runs[run] = frozenset(inside)
            found |= runs[run]
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    return counts


def search_documents(site_dir: Path) -> list[dict]:
    """Every section the search knows, in Material's order (for tests and the bench)."""
    folder = site_dir / SEARCH_DIR
    count = read_part(folder / f"{LEXICON}.js")["pageCount"]
    return [doc for number in range(count) for doc in read_part(folder / PAGES_DIR / f"{number}.js")]
