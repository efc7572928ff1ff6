"""Normalising titles, row labels and column headers so that printed variants compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ORDINAL = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十百零〇]+[、.．]"  # 一、  十二.
    r"|[(（][一二三四五六七八九十\d]+[)）]"  # （一） (1)
    r"|\d{1,2}[、.．](?!\d)"  # 1.  12、  (not a decimal like 1.5)
    r"|其中[:：]?"
    r")"
)
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")


@lru_cache(maxsize=1 << 16)  # labels and headers repeat in every table and every file of a batch
def normalise(text: str) -> str:
    """NFKC, no spaces or quotes, 与 read as 和: the form used to compare labels and headers."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text).translate(_QUOTES)
    return text.replace("与", "和")


@lru_cache(maxsize=1 << 16)  # row labels repeat in every file of a batch, and rules split them again
def split_ordinal(label: str) -> tuple[str | None, str]:
    """("一、一般公共服务支出") -> ("一", "一般公共服务支出"), both normalised."""
    text = normalise(label)
    match = _ORDINAL.match(text)
    if not match:
        return None, text
    ordinal = match.group(0).strip("、.．()（）:：")
    return ordinal, text[match.end():]


def label_key(label: str) -> str:
    return split_ordinal(label)[1]


_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


@lru_cache(maxsize=1 << 16)  # the rules' row selectors and the code cells of every file's tables
def normalise_code(text: str) -> str | None:
    """'201 06 01' -> '2010601'; None when the text is not a 3/5/7-digit subject code."""
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return compact if _CODE.match(compact) else None
