"""A text PDF's pages read with PDFium (pypdfium2): every character box and every ruling line of a
page, and from them its layout: the ruled tables with the text of their cells, a table printed
without rules where a page has none, and the text lines outside the tables.

Boxes are the ones pdfminer draws, since pdfplumber's output is the reference the tests compare
with: advance width across, font size up from the font's declared descent. Ruling lines are the
horizontal and vertical edges of lines, rectangle sides and straight curve segments. Pages are read
one at a time and every PDFium page and text page is closed before the next. Text no viewer shows
(off the page, outside its clipping path, drawn invisibly over no scan) is not read.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError
from .pdf_grid_text import contents_as_text, titles_out_of_grids
from .pdf_page import Edge, LayoutLine, PageLayout
from .pdf_ruled_tables import centre_in, filled, find_tables
from .pdf_unruled_tables import unruled_table
from .pdf_words import Char, extract_words, lines_of, union

# Bounds for hostile pages, far above real ones (the densest real page: 2,854 characters, 2,717 objects)
MAX_PAGE_CHARS = 50_000
MAX_PAGE_OBJECTS = 50_000  # inside forms too
MAX_PAGE_SEGMENTS = 100_000  # path segments, where ruling lines come from
GARBLED_CHARS = 10
GARBLED_SHARE = 0.05

_PDFIUM_ERRORS = {2: "无法打开文件", 3: "数据格式错误，文件不完整或已损坏", 6: "不支持的加密方式"}


def read_pages(path: Path, max_pages: int) -> Iterator[PageLayout]:
    import pypdfium2 as pdfium

    data = path.read_bytes()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == 4:
            raise ReadError("PDF 已加密，无法读取") from None
        raise ReadError(f"PDF 文件损坏或无法解析：{_PDFIUM_ERRORS.get(code, '未知错误')}") from None
    try:
        count = len(document)
        if count > max_pages:
            raise ReadError(f"PDF 有 {count} 页，超过 {max_pages} 页的上限")
        zero_metrics = fonts_without_metrics(data)
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError:
                raise ReadError(f"PDF 文件损坏或无法解析：第{index + 1}页无法读取") from None
            try:
                layout = page_layout(page, index + 1, zero_metrics)
            except ReadError as error:  # a limit of one page
                raise ReadError(f"第{index + 1}页{error}，不像决算文件，拒绝读取") from None
            finally:
                page.close()
            yield layout
    finally:
        document.close()


def _c_function(function: object, restype: object, *argtypes: object) -> Callable[..., object]:
    """A PDFium function taking and returning plain addresses: no pointer object built per call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


class _Pdfium:
    """The PDFium calls made for every character and path segment, bound once."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        ptr, i, flt, dbl = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
        self.raw = raw
        self.text_object = _c_function(raw.FPDFText_GetTextObject, ptr, ptr, i)
        self.is_generated = _c_function(raw.FPDFText_IsGenerated, i, ptr, i)
        self.unicode = _c_function(raw.FPDFText_GetUnicode, ctypes.c_uint, ptr, i)
        self.loose_box = _c_function(raw.FPDFText_GetLooseCharBox, i, ptr, i, ctypes.POINTER(raw.FS_RECTF))
        self.char_matrix = _c_function(raw.FPDFText_GetMatrix, i, ptr, i, ctypes.POINTER(raw.FS_MATRIX))
        self.font_size = _c_function(raw.FPDFText_GetFontSize, dbl, ptr, i)
        self.font = _c_function(raw.FPDFTextObj_GetFont, ptr, ptr)
        self.object_font_size = _c_function(raw.FPDFTextObj_GetFontSize, i, ptr, ctypes.POINTER(flt))
        self.bounds = _c_function(raw.FPDFPageObj_GetBounds, i, ptr, *[ctypes.POINTER(flt)] * 4)
        self.descent = _c_function(raw.FPDFFont_GetDescent, i, ptr, flt, ctypes.POINTER(flt))
        self.base_font_name = _c_function(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, ptr, ctypes.c_char_p,
                                          ctypes.c_size_t)
        self.matrix = _c_function(raw.FPDFPageObj_GetMatrix, i, ptr, ctypes.POINTER(raw.FS_MATRIX))
        self.count_objects = _c_function(raw.FPDFPage_CountObjects, i, ptr)
        self.page_object = _c_function(raw.FPDFPage_GetObject, ptr, ptr, i)
        self.object_type = _c_function(raw.FPDFPageObj_GetType, i, ptr)
        self.render_mode = _c_function(raw.FPDFTextObj_GetTextRenderMode, i, ptr)
        self.clip_path = _c_function(raw.FPDFPageObj_GetClipPath, ptr, ptr)
        self.count_clip_paths = _c_function(raw.FPDFClipPath_CountPaths, i, ptr)
        self.count_clip_segments = _c_function(raw.FPDFClipPath_CountPathSegments, i, ptr, i)
        self.clip_segment = _c_function(raw.FPDFClipPath_GetPathSegment, ptr, ptr, i, i)
        self.count_form_objects = _c_function(raw.FPDFFormObj_CountObjects, i, ptr)
        self.form_object = _c_function(raw.FPDFFormObj_GetObject, ptr, ptr, ctypes.c_ulong)
        self.count_segments = _c_function(raw.FPDFPath_CountSegments, i, ptr)
        self.segment = _c_function(raw.FPDFPath_GetPathSegment, ptr, ptr, i)
        self.segment_point = _c_function(raw.FPDFPathSegment_GetPoint, i, ptr, ctypes.POINTER(flt),
                                         ctypes.POINTER(flt))
        self.segment_type = _c_function(raw.FPDFPathSegment_GetType, i, ptr)
        self.segment_closes = _c_function(raw.FPDFPathSegment_GetClose, i, ptr)


_pdfium: _Pdfium | None = None


def _api() -> _Pdfium:
    global _pdfium
    if _pdfium is None:
        _pdfium = _Pdfium()
    return _pdfium


Matrix = tuple[float, float, float, float, float, float]


def _multiply(first: Matrix, then: Matrix) -> Matrix:
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _to_page_top_left(page: object) -> Matrix:
    """PDF user space to x across and y down from the displayed page's top-left (pdfminer's frame)."""
    x0, y0, x1, y1 = page.get_mediabox()  # type: ignore[attr-defined]
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = page.get_rotation()  # type: ignore[attr-defined]
    rotate: Matrix = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
                      270: (0, 1, -1, 0, y1, -x0)}.get(rotation, (1, 0, 0, 1, -x0, -y0))
    left, height = (y0, x1 - x0) if rotation in (90, 270) else (x0, y1 - y0)
    return _multiply(rotate, (1, 0, 0, -1, left, height))


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def page_layout(page: object, number: int, zero_metrics: frozenset[str]) -> PageLayout:
    api = _api()
    to_page = _to_page_top_left(page)
    fonts = _Fonts(api, zero_metrics)
    objects = _read_objects(api, page.raw, to_page, fonts)  # type: ignore[attr-defined]
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        # Text over a scan that is not drawn is its OCR layer, the page's text; elsewhere it is hidden.
        chars = _read_chars(api, textpage, to_page, fonts, _visible_box(page), objects.has_images)
    finally:
        textpage.close()
    if not chars:
        return PageLayout(number, [], [], False, objects.has_images)
    if _garbled(chars):
        return PageLayout(number, [], [], False, objects.has_images, garbled=True)
    chars += objects.spaces
    tables = [filled(cells, chars) for cells in find_tables(objects.horizontal, objects.vertical)]
    # a grid with nothing in it to read: ruling drawn round hidden text, or off the page
    tables = [t for t in tables if any(c.text.strip() for row in t.rows for c in row)]
    outside = [c for c in chars if not any(centre_in(c, t.bbox) for t in tables)]
    words = extract_words(outside)
    if not tables:
        table, words = unruled_table(words)
        if table is not None:
            tables.append(table)
    lines = [LayoutLine(" ".join(w.text for w in line), union(line)) for line in lines_of(words, in_order=True)]
    tables, lines = contents_as_text(tables, lines)
    tables, lines = titles_out_of_grids(tables, lines)
    return PageLayout(number, lines, tables, True, objects.has_images)


_UNREADABLE = {"Cc", "Co", "Cn", "Cs"}  # control, private use, unassigned, surrogate


def _garbled(chars: list[Char]) -> bool:
    """A text layer whose characters are in good part control characters or private-use glyphs: a font's
    missing or broken Unicode map. Real disclosures have none; a few (a symbol font) do not make a page so."""
    shown = [c.text for c in chars if not c.text.isspace()]
    unreadable = sum(1 for text in shown if unicodedata.category(text[0]) in _UNREADABLE or text == "\ufffd")
    return unreadable >= GARBLED_CHARS and unreadable >= len(shown) * GARBLED_SHARE


@dataclass(slots=True)
class _PageObjects:
    horizontal: list[Edge] = field(default_factory=list)
    vertical: list[Edge] = field(default_factory=list)
    spaces: list[Char] = field(default_factory=list)  # text PDFium's text page leaves out
    has_images: bool = False


def _read_objects(api: _Pdfium, page: int, to_page: Matrix, fonts: _Fonts) -> _PageObjects:
    """Every path's horizontal and vertical edges (inside forms too), the blank text runs and whether
    there are images.

    PDFium's text page skips a text run whose glyphs have no extent (a space shown on its own);
    pdfminer keeps its characters, and a space ends a word there, so such runs are kept as spaces.
    """
    raw = api.raw
    found = _PageObjects()
    matrix = raw.FS_MATRIX()
    pmatrix = ctypes.byref(matrix)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = [ctypes.byref(v) for v in (left, bottom, right, top)]
    stack = [(api.page_object(page, i), to_page) for i in range(min(api.count_objects(page), MAX_PAGE_OBJECTS + 1))]
    objects = segments = 0
    while stack:
        handle, outer = stack.pop()
        objects += 1
        if objects > MAX_PAGE_OBJECTS:
            raise ReadError(f"的对象超过 {MAX_PAGE_OBJECTS:,} 个的上限")
        kind = api.object_type(handle)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            found.has_images = True
            continue
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            api.bounds(handle, *bounds)
            if right.value - left.value >= 0.01:
                continue
        elif kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
            continue
        api.matrix(handle, pmatrix)
        inner = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            stack += [(api.form_object(handle, i), inner)
                      for i in range(min(api.count_form_objects(handle), MAX_PAGE_OBJECTS + 1))]
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            segments += api.count_segments(handle)
            if segments > MAX_PAGE_SEGMENTS:
                raise ReadError(f"的线段超过 {MAX_PAGE_SEGMENTS:,} 条的上限")
            for subpath in _subpaths(api, handle, inner):
                _add_edges(subpath, found.horizontal, found.vertical)
        else:
            found.spaces.append(_blank_run(api, handle, inner, fonts))
    return found


def _blank_run(api: _Pdfium, text_object: int, to_page: Matrix, fonts: _Fonts) -> Char:
    """A space at the start of a blank text run (`to_page` includes the run's own matrix)."""
    font_size = ctypes.c_float()
    api.object_font_size(text_object, ctypes.byref(font_size))
    descent = fonts.descent(api.font(text_object), font_size.value)
    x, top = _apply(to_page, 0, descent + font_size.value)
    x1, bottom = _apply(to_page, 0, descent)
    return Char(" ", min(x, x1), min(top, bottom), max(x, x1), max(top, bottom), to_page[1] == 0 == to_page[2])


def _subpaths(api: _Pdfium, path: int, to_page: Matrix) -> list[list[tuple[float, float]]]:
    """Each subpath as the points its segments end at (a curve counts by its end point, as in pdfminer)."""
    raw = api.raw
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    subpaths: list[list[tuple[float, float]]] = []
    bezier_points = 0
    for index in range(api.count_segments(path)):
        segment = api.segment(path, index)
        kind = api.segment_type(segment)
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier_points += 1
            if bezier_points % 3:  # control points
                continue
        api.segment_point(segment, px, py)
        point = _apply(to_page, x.value, y.value)
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        else:
            subpaths[-1].append(point)
        if api.segment_closes(segment):
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _add_edges(points: list[tuple[float, float]], horizontal: list[Edge],
               vertical: list[Edge]) -> None:
    if len(points) == 2:
        # pdfminer's single line: horizontal when level, otherwise vertical at its left end (a
        # diagonal in a header cell counts so too).
        (ax, ay), (bx, by) = points
        if abs(ay - by) < 1e-3:
            horizontal.append((ay, min(ax, bx), max(ax, bx)))
        else:
            vertical.append((min(ax, bx), min(ay, by), max(ay, by)))
        return
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if abs(ax - bx) < 1e-3:
            vertical.append((ax, min(ay, by), max(ay, by)))
        elif abs(ay - by) < 1e-3:
            horizontal.append((ay, min(ax, bx), max(ax, bx)))


Area = tuple[float, float, float, float]  # left, bottom, right, top in PDF user space


def _visible_box(page: object) -> Area:
    """The part of the page a viewer shows (CropBox within MediaBox)."""
    media = page.get_mediabox()  # type: ignore[attr-defined]
    crop = page.get_cropbox()  # type: ignore[attr-defined]  # the MediaBox when there is none
    return _within(_area(media), _area(crop))


def _area(points: tuple[float, ...]) -> Area:
    """The box around points given as x, y, x, y, …"""
    xs, ys = points[0::2], points[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _within(first: Area, second: Area) -> Area:
    return max(first[0], second[0]), max(first[1], second[1]), min(first[2], second[2]), min(first[3], second[3])


_NOT_DRAWN = (3, 7)  # text render modes invisible and clip-only (PDF 9.3.6): nothing is painted


def _shown_area(api: _Pdfium, text_object: int, visible: Area, keep_undrawn: bool) -> Area | None:
    """Where a text object's characters can be seen: the visible page within the boxes of its clipping
    paths (the print area an export clips to); None when it is drawn invisibly."""
    if not keep_undrawn and api.render_mode(text_object) in _NOT_DRAWN:
        return None
    clip = api.clip_path(text_object)
    if not clip:
        return visible
    x, y = ctypes.c_float(), ctypes.c_float()
    shown = visible
    for path in range(api.count_clip_paths(clip)):
        points = []
        for index in range(api.count_clip_segments(clip, path)):
            api.segment_point(api.clip_segment(clip, path, index), ctypes.byref(x), ctypes.byref(y))
            points += [x.value, y.value]
        if points:
            shown = _within(shown, _area(tuple(points)))
    return shown


def _read_chars(api: _Pdfium, textpage: object, to_page: Matrix, fonts: _Fonts, visible: Area,
                keep_undrawn: bool) -> list[Char]:
    """The characters a reader of the page sees: not those placed outside the visible page or the
    area they are clipped to (text an export spilled past its print area) nor, unless
    `keep_undrawn`, those drawn in an invisible mode."""
    raw = api.raw
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value  # type: ignore[attr-defined]
    count = raw.FPDFText_CountChars(textpage.raw)  # type: ignore[attr-defined]
    if count <= 0:
        return []
    if count > MAX_PAGE_CHARS:
        raise ReadError(f"有 {count:,} 个字符，超过每页 {MAX_PAGE_CHARS:,} 个的上限")
    text = _page_text(api, textpage, count)
    rect = raw.FS_RECTF()
    prect = ctypes.byref(rect)
    lines: dict[int, tuple[bool, float, float]] = {}
    shown_areas: dict[int, Area | None] = {}
    chars: list[Char] = []
    for index in range(count):
        text_object = api.text_object(handle, index)
        if not text_object:
            continue  # a space or line break PDFium inserted
        char = text[index]
        if char == " " and api.is_generated(handle, index):
            continue  # a space PDFium inserted for a wide kerning gap
        if "\udc00" <= char <= "\udfff":
            continue  # the second half of a surrogate pair, joined to the first below
        if "\ud800" <= char < "\udc00" and index + 1 < count:
            char += text[index + 1]
        if text_object not in shown_areas:
            shown_areas[text_object] = _shown_area(api, text_object, visible, keep_undrawn)
        shown = shown_areas[text_object]
        if shown is None:
            continue
        api.loose_box(handle, index, prect)
        if not (shown[0] <= (rect.left + rect.right) / 2 <= shown[2]
                and shown[1] <= (rect.bottom + rect.top) / 2 <= shown[3]):
            continue  # no viewer shows it
        line = lines.get(text_object)
        if line is None:
            line = lines[text_object] = _text_line(api, handle, index, text_object, fonts)
        upright, bottom_y, size = line
        if upright:
            x0, top = _apply(to_page, rect.left, bottom_y + size)
            x1, bottom = _apply(to_page, rect.right, bottom_y)
        else:
            x0, top = _apply(to_page, rect.left, rect.top)
            x1, bottom = _apply(to_page, rect.right, rect.bottom)
        chars.append(Char(char, min(x0, x1), min(top, bottom), max(x0, x1), max(top, bottom), upright))
    return chars


def _page_text(api: _Pdfium, textpage: object, count: int) -> str:
    """One character per PDFium character index (a surrogate pair takes two)."""
    raw = api.raw
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage.raw, 0, count, buffer)  # type: ignore[attr-defined]
    text = bytes(buffer)[:max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    if len(text) == count:
        return text
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value  # type: ignore[attr-defined]
    return "".join(chr(api.unicode(handle, i)) for i in range(count))


def _text_line(api: _Pdfium, textpage: int, index: int, text_object: int,
               fonts: _Fonts) -> tuple[bool, float, float]:
    """For one text object (one run of text on one baseline), from its first character: upright or
    not, where its characters' boxes start (user space) and the font size on the page."""
    matrix = api.raw.FS_MATRIX()
    api.char_matrix(textpage, index, ctypes.byref(matrix))  # e, f: the character's origin
    upright = matrix.a * matrix.d > 0 and matrix.b == 0 and matrix.c == 0
    font_size = api.font_size(textpage, index)
    descent = fonts.descent(api.font(text_object), font_size)
    return upright, matrix.f + descent * abs(matrix.d), font_size * abs(matrix.d)


class _Fonts:
    """How far below the baseline pdfminer starts a character box, in text space, per font and size:
    the font's declared descent. PDFium's is the declared one unless the font declares neither
    ascent nor descent (`zero_metrics`), where pdfminer takes 0. Kept per page: font handles live
    as long as their page."""

    def __init__(self, api: _Pdfium, zero_metrics: frozenset[str]) -> None:
        self.api = api
        self.zero_metrics = zero_metrics
        self.descents: dict[tuple[int, float], float] = {}

    def descent(self, font: int, font_size: float) -> float:
        found = self.descents.get((font, font_size))
        if found is None:
            value = ctypes.c_float()
            if _font_name(self.api, font) in self.zero_metrics or \
                    not self.api.descent(font, font_size, ctypes.byref(value)):
                found = 0.0
            else:
                found = -abs(value.value)
            self.descents[(font, font_size)] = found
        return found


_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def _font_name(api: _Pdfium, font: int) -> str:
    buffer = ctypes.create_string_buffer(256)
    api.base_font_name(font, buffer, len(buffer))
    return _SUBSET_TAG.sub("", buffer.value.decode("latin-1"))


_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_METRICS = [re.compile(rb"/" + key + rb"\s+(-?[\d.]+)(?!\s+\d+\s+R)") for key in (b"Ascent", b"Descent")]
# Bounds for hostile files, far above real ones (a few dozen fonts, object streams of some 100 KB):
# unpacked object streams in all and their number, font descriptors looked at (fonts past these keep
# PDFium's metrics), and how far around its /Type a descriptor's (or stream's) entries are looked for.
MAX_OBJECT_STREAMS = 16 * 1024 * 1024
MAX_STREAM_COUNT = 10_000
MAX_DESCRIPTORS = 100_000
DESCRIPTOR_REACH = 4096


def fonts_without_metrics(data: bytes) -> frozenset[str]:
    """Names (without subset tag) of the fonts whose descriptor declares Ascent and Descent 0 or not at all."""
    names: set[str] = set()
    left = MAX_DESCRIPTORS
    for text, spans in itertools.chain([(data, None)], _object_streams(data)):
        matches = list(itertools.islice(_DESCRIPTOR.finditer(text), max(left, 0)))
        left -= len(matches)
        # one object holds one descriptor: its entries lie between the neighbouring descriptors
        for before, match, after in zip([None, *matches], matches, [*matches[1:], None]):
            low = max(match.start() - DESCRIPTOR_REACH, before.end() if before else 0)
            high = min(match.end() + DESCRIPTOR_REACH, after.start() if after else len(text))
            if spans is None:
                begin = text.rfind(b" obj", low, match.start())
                end = text.find(b"endobj", match.end(), high)
            else:
                at = bisect.bisect_right(spans, match.start())
                begin = spans[at - 1] if at else 0
                end = spans[at] if at < len(spans) else len(text)
            entry = text[max(begin, low):min(end, high) if end >= 0 else high]
            name = _FONT_NAME.search(entry)
            metrics = [pattern.search(entry) for pattern in _METRICS]
            if name and all(m is None or _is_zero(m.group(1)) for m in metrics):
                names.add(_SUBSET_TAG.sub("", name.group(1).decode("latin-1")))
    return frozenset(names)


def _is_zero(number: bytes) -> bool:
    try:
        return float(number) == 0
    except ValueError:  # "1.2.3": no number, so not a declared 0
        return False


def _object_streams(data: bytes) -> Iterator[tuple[bytes, list[int]]]:
    """The objects packed in compressed object streams: their text and where each object starts (sorted)."""
    left = MAX_OBJECT_STREAMS
    ends = [m.start() for m in re.finditer(rb"endstream", data)]  # found once: a search per stream is quadratic
    for match in itertools.islice(_OBJECT_STREAM.finditer(data), MAX_STREAM_COUNT):
        begin = data.rfind(b" obj", max(match.start() - DESCRIPTOR_REACH, 0), match.start())
        start = data.find(b"stream", match.end(), match.end() + DESCRIPTOR_REACH)
        head = data[begin:start] if 0 <= begin < start else b""
        first = re.search(rb"/First\s+(\d{1,9})\b", head)
        if first is None or b"/FlateDecode" not in head or left <= 0:
            continue
        body = start + len(b"stream")
        body += 2 if data[body:body + 2] == b"\r\n" else 1
        at = bisect.bisect_left(ends, body)
        try:
            text = _inflated(memoryview(data)[body:ends[at] if at < len(ends) else len(data)], left)
        except zlib.error:
            continue  # encrypted or damaged: its fonts keep PDFium's metrics
        left -= len(text)
        offset = int(first.group(1))
        numbers = text[:offset].split()
        yield text, sorted(offset + int(n) for n in numbers[1::2] if n.isdigit() and len(n) < 10)


def _inflated(packed: memoryview, limit: int) -> bytes:
    """At most `limit` bytes of a Flate stream, fed in pieces: zlib keeps the input it has not used yet,
    a copy of a whole damaged file per stream."""
    inflater = zlib.decompressobj()
    out = b""
    for start in range(0, len(packed), 1 << 16):
        out += inflater.decompress(packed[start:start + (1 << 16)], limit - len(out))
        if len(out) >= limit or inflater.eof:
            break
    return out
