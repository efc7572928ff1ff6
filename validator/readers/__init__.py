"""Readers: one module per input format, each `read(path, catalogue, max_bytes) -> Document`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..catalogue import Catalogue
from ..document_kind import keep_own_tables
from ..errors import ReadError
from ..model import Document
from . import excel, pdf, structured, text

Reader = Callable[[Path, Catalogue, int], Document]

READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".text": text.read,
    ".tsv": text.read,
    ".yaml": structured.read,
    ".yml": structured.read,
    ".json": structured.read,
    ".xlsx": excel.read,
    ".xlsm": excel.read,
    ".xls": excel.read,
    ".pdf": pdf.read,
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
    reader = READERS.get(path.suffix.lower())
    if path.suffix.lower() in NOT_YET_READABLE:
        kind = NOT_YET_READABLE[path.suffix.lower()]
        raise ReadError(f"暂不支持直接读取 {kind} 文件：请先导出为文本（制表符分隔）或结构化 YAML/JSON 后再检查")
    if reader is None:
        raise ReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”（支持：{', '.join(sorted(READERS))}）")
    try:
        document = reader(path, catalogue, max_bytes)
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror or error}") from error
    keep_own_tables(document, catalogue)
    return document
