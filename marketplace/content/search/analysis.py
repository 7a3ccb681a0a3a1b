"""Text analysis for search: English words stemmed, Chinese runs segmented by jieba.

One analyzer serves every text field, so a product written half in English and
half in Chinese is found by either. A run of CJK characters goes to jieba
(``mode="search"`` when indexing: the words and the shorter dictionary words inside
them); everything else is split into words, lower-cased and stemmed (Porter), so
"bolts" finds "bolt". Characters keep their offsets in the original text, which
the highlighter needs.

jieba's dictionary is Simplified-leaning: Traditional trade terms such as 不鏽鋼 or
鍍鋅 came out as single characters. ``trade_terms_zh_hant.txt`` (shipped beside this
file) teaches it the trade's Traditional vocabulary, and a small fold maps the
Simplified characters of that vocabulary to Traditional ones before segmenting,
so 不锈钢螺栓 and 不鏽鋼螺栓 are the same words to the index.

The schema that Whoosh pickles into the index refers to these classes by import
path; they keep no jieba state of their own (jieba is loaded once, lazily).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem

USER_DICTIONARY = Path(__file__).with_name("trade_terms_zh_hant.txt")

# CJK unified ideographs (with extension A and the compatibility block).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"(?P<cjk>[{_CJK}]+)"
                     rf"|(?P<word>(?:(?![{_CJK}])\w)+(?:[.'](?:(?![{_CJK}])\w)+)*)")

# English words that carry no meaning in a product search, plus Chinese particles.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of",
    "on", "or", "the", "to", "with", "的", "和", "與", "及", "或"))

# Simplified characters of the trade vocabulary and their Traditional forms. Only
# characters that are Simplified-only (never written in Traditional text), plus
# 台 -> 臺 (both are used in Taiwan), so the fold never merges two distinct words.
_SIMPLIFIED = (
    "锈钢铁锌铝铜镍铬钛丝垫钉铆链轮轴齿机车电动灯线缆开关压阀门锁铰钳锤锯钻业厂产质级规号镀涂"
    "胶树纺织纱绵绸缎裤袜装饰饮叶乌龙绿红酱头纸运输货仓储贸价单订购买卖销备脚厨锅壶盘园艺种"
    "柜组显传测试仪医疗药学剂碱盐铸锻焊热处抛软宽长圆内纹强台湾国际团实发设计杂体积净码数书"
    "证认检验标环节风气调温卫砖镜刹闸铃条缝针纽扣领袖裙帘饰毯枕罩伞")
_TRADITIONAL = (
    "鏽鋼鐵鋅鋁銅鎳鉻鈦絲墊釘鉚鏈輪軸齒機車電動燈線纜開關壓閥門鎖鉸鉗錘鋸鑽業廠產質級規號鍍塗"
    "膠樹紡織紗綿綢緞褲襪裝飾飲葉烏龍綠紅醬頭紙運輸貨倉儲貿價單訂購買賣銷備腳廚鍋壺盤園藝種"
    "櫃組顯傳測試儀醫療藥學劑鹼鹽鑄鍛焊熱處拋軟寬長圓內紋強臺灣國際團實發設計雜體積淨碼數書"
    "證認檢驗標環節風氣調溫衛磚鏡剎閘鈴條縫針鈕扣領袖裙簾飾毯枕罩傘")
assert len(_SIMPLIFIED) == len(_TRADITIONAL)
FOLD = str.maketrans(_SIMPLIFIED, _TRADITIONAL)

_jieba = None
_jieba_lock = threading.Lock()


def segmenter():
    """The jieba tokenizer with the trade dictionary: built once, on first use, quietly."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                from marketplace.content.search.dictionary import CompactTokenizer

                jieba.setLogLevel(logging.WARNING)
                # jieba's dictionary in 6 MB instead of 62 (the same words: dictionary.py).
                tokenizer = CompactTokenizer()
                tokenizer.load_userdict(str(USER_DICTIONARY))  # initialises the dictionary
                _jieba = tokenizer
    return _jieba


# Runs up to this long are remembered (the last 2,048): names and phrases, not a whole
# paragraph written without punctuation.
REMEMBERED_RUN = 40


def _cjk_words(run: str, mode: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) in a run of CJK characters (offsets within the run).

    Indexing keeps each word and the dictionary words inside it (jieba's search
    mode), longest first at each offset. A query keeps each word, except that a
    word the dictionary's two-character words cover entirely becomes those words:
    六角螺栓 asks for 六角 and 螺栓, so it also finds 六角頭螺栓.

    The last runs' words are remembered: a search page highlights the same names and
    phrases again and again, and segmenting a run is most of a Chinese text's analysis."""
    if len(run) > REMEMBERED_RUN:
        return tuple(_segment(run, mode))
    return _remembered(run, mode)


@lru_cache(maxsize=2048)
def _remembered(run: str, mode: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(_segment(run, mode))


def _segment(run: str, mode: str) -> Iterator[tuple[str, int, int]]:
    tokenizer = segmenter()
    folded = run.translate(FOLD)
    if mode == "query":
        for word, start, end in tokenizer.tokenize(folded, mode="default"):
            pairs = [(word[i:i + 2], start + i, start + i + 2) for i in range(len(word) - 1)
                     if tokenizer.FREQ.get(word[i:i + 2])] if len(word) > 2 else []
            covered = {offset for _, s, e in pairs for offset in range(s, e)}
            if pairs and covered == set(range(start, end)):
                yield from pairs
            else:
                yield word, start, end
        return
    words = sorted(tokenizer.tokenize(folded, mode="search"), key=lambda w: (w[1], w[1] - w[2]))
    yield from words


class TradeTokenizer(Tokenizer):
    """Words of mixed English and Chinese text, with positions and character offsets."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in _PIECES.finditer(value):
            if match.group("cjk"):
                pieces = ((word, match.start() + s, match.start() + e)
                          for word, s, e in _cjk_words(match.group("cjk"), mode))
            else:
                pieces = ((match.group("word"), match.start(), match.end()),)
            for text, start, end in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token


def stem_latin(word: str) -> str:
    """Porter stemming for words in Latin letters; Chinese and other words as they are."""
    return stem(word) if word.isascii() else word


class FoldFilter(Filter):
    """Simplified to Traditional for the folded characters, for words that did not pass
    the tokenizer (``tokenize=False``) and the spelling field."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = token.text.translate(FOLD)
            yield token


def trade_analyzer():
    """English stemmed, Chinese segmented: every searchable text field."""
    return (TradeTokenizer() | LowercaseFilter() | FoldFilter()
            | StopFilter(stoplist=STOP_WORDS, minsize=1)
            | StemFilter(stemfn=stem_latin, cachesize=50000))


def spelling_analyzer():
    """The words as written (lower-cased, unstemmed): the source of spelling suggestions."""
    return TradeTokenizer() | LowercaseFilter() | FoldFilter()
