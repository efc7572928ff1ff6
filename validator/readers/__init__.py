"""Readers: one module per input format, each `read(path, catalogue, max_bytes) -> Document`."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..catalogue import Catalogue
from ..collector import spared
from ..document_kind import keep_own_tables
from ..errors import ReadError
from ..model import Document

Reader = Callable[[Path, Catalogue, int], Document]

# Suffix -> the module of this package that reads it, imported when a file of that kind comes: a
# check of text dumps never loads PDFium, openpyxl or xlrd (a third of a one-file run's start-up).
READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".tsv": "text",
    ".yaml": "structured",
    ".yml": "structured",
    ".json": "structured",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".pdf": "pdf",
}

# Disclosures also arrive in these formats; inside a folder they are reported as unreadable
# rather than passed over in silence.
NOT_YET_READABLE = {".et": "WPS 表格", ".doc": "Word",
                    ".docx": "Word", ".wps": "WPS 文字", ".csv": "CSV"}

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def looks_like_a_disclosure(path: Path) -> bool:
    """Files a folder search picks up: the readable ones and the document formats not read yet."""
    return supported(path) or path.suffix.lower() in NOT_YET_READABLE


def read_document(path: Path, catalogue: Catalogue, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    module = READERS.get(path.suffix.lower())
    if path.suffix.lower() in NOT_YET_READABLE:
        kind = NOT_YET_READABLE[path.suffix.lower()]
        raise ReadError(f"暂不支持直接读取 {kind} 文件：请先导出为文本（制表符分隔）或结构化 YAML/JSON 后再检查")
    if module is None:
        raise ReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”（支持：{', '.join(sorted(READERS))}）")
    reader: Reader = import_module(f".{module}", __name__).read
    try:
        with spared():  # the collections its thousands of objects set off traverse those objects only
            document = reader(path, catalogue, max_bytes)
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror or error}") from error
    keep_own_tables(document, catalogue)
    return document
