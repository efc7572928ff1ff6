"""Files arriving in an upload, one by one or inside .zip archives, stored under generated names.

Nothing a sender names is used as a path: a file is stored as `<uuid><extension>` in its check's
folder and its name is kept as text to show. An archive is inspected whole before anything is
written, and refused with a message naming the entry when an entry's path is absolute or climbs
out (`..`), is a link, is encrypted, is larger than a file may be, or expands more than
`max_zip_ratio` times (a zip bomb); entries that are no disclosure (images, `__MACOSX/…`) are passed
over as a folder search passes them over.
"""

from __future__ import annotations

import re
import shutil
import stat
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..readers import looks_like_a_disclosure
from .settings import ServiceSettings

CHUNK = 1024 * 1024
RATIO_CHECKED_ABOVE = 1024 * 1024  # small entries of repeated text compress far; only large ones can be bombs
_DRIVE = re.compile(r"^[A-Za-z]:")


class UploadRefused(ValueError):
    """An upload that is not taken; the message says which file and why (shown to the sender)."""


@dataclass(frozen=True)
class StoredFile:
    id: str
    name: str  # as sent, to show
    stored_file: str  # the name in the check's folder


@dataclass(frozen=True)
class Received:
    name: str  # as the sender named it (browsers may send a path: only its last part is kept)
    content: BinaryIO


def store(received: list[Received], folder: Path, settings: ServiceSettings) -> list[StoredFile]:
    """Store every file (and every disclosure inside each zip) in `folder`; on a refusal nothing stays."""
    if not received:
        raise UploadRefused("没有收到文件：请选择要检查的文件或 zip 压缩包")
    folder.mkdir(parents=True)
    stored: list[StoredFile] = []
    try:
        for item in received:
            name = _last_part(item.name)
            if name.lower().endswith(".zip"):
                stored.extend(_store_archive(name, item.content, folder, settings, len(stored)))
            elif looks_like_a_disclosure(PurePosixPath(name)):
                stored.append(_store_one(name, item.content, folder, settings))
            else:
                raise UploadRefused(f"{name}：不是可检查的文件类型（可上传 Excel、PDF、文本、YAML/JSON 文件或 zip 压缩包）")
            if len(stored) > settings.max_files:
                raise UploadRefused(f"一次最多检查 {settings.max_files} 个文件（含压缩包内的文件）")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not stored:
        raise UploadRefused("压缩包中没有可检查的文件（Excel、PDF、文本、YAML/JSON）")
    return _with_unique_names(stored)


def _store_one(name: str, content: BinaryIO, folder: Path, settings: ServiceSettings) -> StoredFile:
    file_id = uuid.uuid4().hex
    stored_file = file_id + PurePosixPath(name).suffix.lower()
    _copy_limited(content, folder / stored_file, settings.max_file_bytes, name)
    return StoredFile(file_id, name, stored_file)


def _store_archive(name: str, content: BinaryIO, folder: Path, settings: ServiceSettings,
                   already: int) -> list[StoredFile]:
    try:
        archive = zipfile.ZipFile(content)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"{name}：不是有效的 zip 压缩包") from None
    with archive:
        entries = [(entry, _entry_name(entry)) for entry in archive.infolist() if not entry.is_dir()]
        if already + len(entries) > settings.max_files:
            raise UploadRefused(f"{name}：压缩包内有 {len(entries)} 个文件，一次最多检查 {settings.max_files} 个")
        for entry, entry_name in entries:
            _check_entry(name, entry, entry_name, settings)
        stored = []
        for entry, entry_name in _disclosures(entries):
            with archive.open(entry) as member:
                stored.append(_store_one(f"{name}/{entry_name}", member, folder, settings))
        return stored


def _check_entry(archive: str, entry: zipfile.ZipInfo, name: str, settings: ServiceSettings) -> None:
    where = f"{archive} 中的“{name}”"
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
        raise UploadRefused(f"{where}：路径是绝对路径或含“..”，不安全，已拒绝整个压缩包")
    if stat.S_ISLNK(entry.external_attr >> 16):
        raise UploadRefused(f"{where}：是符号链接，已拒绝整个压缩包")
    if entry.flag_bits & 0x1:
        raise UploadRefused(f"{where}：已加密，无法检查")
    if entry.file_size > settings.max_file_bytes:
        raise UploadRefused(f"{where}：解压后 {entry.file_size:,} 字节，超过单个文件上限 {settings.max_file_bytes:,} 字节")
    if entry.file_size > RATIO_CHECKED_ABOVE and entry.file_size > settings.max_zip_ratio * max(entry.compress_size, 1):
        raise UploadRefused(f"{where}：压缩比超过 {settings.max_zip_ratio} 倍（{entry.compress_size:,} 字节解压为 "
                            f"{entry.file_size:,} 字节），疑为压缩炸弹，已拒绝整个压缩包")


def _disclosures(entries: list[tuple[zipfile.ZipInfo, str]]) -> Iterator[tuple[zipfile.ZipInfo, str]]:
    """The entries a folder search would check: disclosure files, none hidden or in a hidden folder."""
    for entry, name in entries:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if looks_like_a_disclosure(PurePosixPath(name)) and not any(p.startswith((".", "__MACOSX")) for p in parts):
            yield entry, name


def _entry_name(entry: zipfile.ZipInfo) -> str:
    """Archives made on Chinese Windows name their entries in GBK without saying so (no UTF-8 flag)."""
    if entry.flag_bits & 0x800:
        return entry.filename
    try:
        return entry.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return entry.filename


def _copy_limited(source: BinaryIO, target: Path, limit: int, name: str) -> None:
    """Copy at most `limit` bytes: sizes that the sender (or a zip header) states are not trusted."""
    written = 0
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise UploadRefused(f"{name}：超过单个文件上限 {limit:,} 字节")
            out.write(chunk)


def _last_part(name: str) -> str:
    return re.split(r"[/\\]", name or "")[-1].strip() or "未命名"


def _with_unique_names(stored: list[StoredFile]) -> list[StoredFile]:
    """The reports key their files by name: two files of one name become “名称 (2)”."""
    seen: dict[str, int] = {}
    unique = []
    for item in stored:
        seen[item.name] = seen.get(item.name, 0) + 1
        name = item.name if seen[item.name] == 1 else f"{item.name} ({seen[item.name]})"
        unique.append(StoredFile(item.id, name, item.stored_file))
    return unique
