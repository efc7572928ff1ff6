"""The layout of each PDF page from PDFium's primitives (pypdfium2): every character box and every
ruling line; the ruled tables those lines draw, the text of each of their cells, and the text lines
outside them. A page with text but no ruled table whose lines stand in aligned columns of figures
gives a table built from the positions of its words.

Ruled tables are found the way pdfplumber documents it (its output is the reference: the tests read
every fixture and real PDF with both and compare them cell for cell): horizontal and vertical edges
from lines, rectangle sides and straight curve segments; edges within 3 pt of one line snapped to
their mean position and joined where they overlap or nearly touch; their crossings; the smallest
rectangle closed by edges at each crossing is a cell; cells sharing corners form a table. A character
belongs to the cell holding its centre. Words and lines are grouped like pdfplumber does (3 pt
tolerances), with boxes as pdfminer draws them: advance width across, font size up from the declared
descent.

Pages are read one at a time and every PDFium page and text page is closed before the next.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import ReadError
from ..numbers import Amount, parse_number

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page's top-left corner
Edge = tuple[float, float, float]  # a ruling line: position across, start and end along it

SNAP = 3.0  # edges this close along their cross axis are one line
JOIN = 3.0  # collinear edges with gaps this small are one edge
CROSS = 3.0  # an edge ending this close to another still crosses it
MIN_EDGE = 3.0
X_GAP = 3.0  # a wider gap between characters starts a new word
Y_GAP = 3.0  # characters whose tops differ by more are on different lines


@dataclass(slots=True, frozen=True)
class LayoutCell:
    text: str
    bbox: Box | None  # None: a grid position covered by a merged cell to its left or above
    confidence: float | None = None  # the recogniser's, for a cell read by OCR


@dataclass(slots=True)
class LayoutTable:
    bbox: Box
    rows: list[list[LayoutCell]]


@dataclass(slots=True, frozen=True)
class LayoutLine:
    text: str
    bbox: Box
    confidence: float | None = None  # the recogniser's, for a line read by OCR


@dataclass(slots=True)
class PageLayout:
    """One page as the PDF reader needs it, whichever library read it."""

    number: int
    lines: list[LayoutLine]  # text outside the tables, top to bottom
    tables: list[LayoutTable]  # top to bottom
    has_text: bool
    has_images: bool
    # A scan OCR straightened: its turn in degrees about its centre (x, y in points); boxes above are
    # on the straightened page, page_box gives them on the page as it is.
    turn: tuple[float, float, float] | None = None

    def page_box(self, box: Box) -> Box:
        """The box on the page as it is: around the corners of `box` turned back."""
        if self.turn is None:
            return box
        degrees, cx, cy = self.turn
        cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        corners = [(cx + cos * (x - cx) - sin * (y - cy), cy + sin * (x - cx) + cos * (y - cy))
                   for x in (box[0], box[2]) for y in (box[1], box[3])]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        return min(xs), min(ys), max(xs), max(ys)


class Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    upright: bool


class Word(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


# --- reading pages with PDFium ---------------------------------------------------------------------

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
                yield _page_layout(page, index + 1, zero_metrics)
            finally:
                page.close()
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
        self.origin = _c_function(raw.FPDFText_GetCharOrigin, i, ptr, i, ctypes.POINTER(dbl), ctypes.POINTER(dbl))
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


def _page_layout(page: object, number: int, zero_metrics: frozenset[str]) -> PageLayout:
    api = _api()
    to_page = _to_page_top_left(page)
    fonts = _Fonts(api, zero_metrics)
    objects = _read_objects(api, page.raw, to_page, fonts)  # type: ignore[attr-defined]
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        chars = _read_chars(api, textpage, to_page, fonts)
    finally:
        textpage.close()
    if not chars:
        return PageLayout(number, [], [], False, objects.has_images)
    chars += objects.spaces
    tables = [_fill(cells, chars) for cells in find_tables(objects.horizontal, objects.vertical)]
    outside = [c for c in chars if not any(_centre_in(c, t.bbox) for t in tables)]
    words = extract_words(outside)
    if not tables:
        table, words = unruled_table(words)
        if table is not None:
            tables.append(table)
    lines = [LayoutLine(" ".join(w.text for w in line), _union(line)) for line in _lines(words, in_order=True)]
    return PageLayout(number, lines, tables, True, objects.has_images)


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
    stack = [(api.page_object(page, i), to_page) for i in range(api.count_objects(page))]
    while stack:
        handle, outer = stack.pop()
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
            stack += [(api.form_object(handle, i), inner) for i in range(api.count_form_objects(handle))]
        elif kind == raw.FPDF_PAGEOBJ_PATH:
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


def _add_edges(points: list[tuple[float, float]], horizontal: list[tuple[float, float, float]],
               vertical: list[tuple[float, float, float]]) -> None:
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


def _read_chars(api: _Pdfium, textpage: object, to_page: Matrix, fonts: _Fonts) -> list[Char]:
    raw = api.raw
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value  # type: ignore[attr-defined]
    count = raw.FPDFText_CountChars(textpage.raw)  # type: ignore[attr-defined]
    if count <= 0:
        return []
    text = _page_text(api, textpage, count)
    rect = raw.FS_RECTF()
    prect = ctypes.byref(rect)
    lines: dict[int, tuple[bool, float, float]] = {}
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
        api.loose_box(handle, index, prect)
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
MAX_OBJECT_STREAM = 16 * 1024 * 1024


def fonts_without_metrics(data: bytes) -> frozenset[str]:
    """Names (without subset tag) of the fonts whose descriptor declares Ascent and Descent 0 or not at all."""
    names: set[str] = set()
    for text, spans in itertools.chain([(data, None)], _object_streams(data)):
        for match in _DESCRIPTOR.finditer(text):
            if spans is None:
                begin = text.rfind(b" obj", 0, match.start())
                end = text.find(b"endobj", match.end())
            else:
                begin = max((s for s in spans if s <= match.start()), default=0)
                end = min((s for s in spans if s > match.start()), default=len(text))
            entry = text[max(begin, 0):end if end >= 0 else len(text)]
            name = re.search(rb"/FontName\s*/([^\s/<>\[\]()]+)", entry)
            metrics = [re.search(rb"/" + key + rb"\s+(-?[\d.]+)(?!\s+\d+\s+R)", entry) for key in (b"Ascent", b"Descent")]
            if name and all(m is None or float(m.group(1)) == 0 for m in metrics):
                names.add(_SUBSET_TAG.sub("", name.group(1).decode("latin-1")))
    return frozenset(names)


def _object_streams(data: bytes) -> Iterator[tuple[bytes, list[int]]]:
    """The objects packed in compressed object streams: their text and where each object starts."""
    for match in _OBJECT_STREAM.finditer(data):
        begin = data.rfind(b" obj", 0, match.start())
        start = data.find(b"stream", match.end())
        head = data[begin:start]
        first = re.search(rb"/First\s+(\d+)", head)
        if start < 0 or first is None or b"/FlateDecode" not in head:
            continue
        body = start + len(b"stream")
        body += 2 if data[body:body + 2] == b"\r\n" else 1
        try:
            text = zlib.decompressobj().decompress(data[body:data.find(b"endstream", body)], MAX_OBJECT_STREAM)
        except zlib.error:
            continue  # encrypted or damaged: its fonts keep PDFium's metrics
        offset = int(first.group(1))
        numbers = text[:offset].split()
        yield text, [offset + int(n) for n in numbers[1::2] if n.isdigit()]


# --- ruled tables ------------------------------------------------------------------------------------


def find_tables(horizontal: list[Edge], vertical: list[Edge]) -> list[list[Box]]:
    """The cells of each ruled table on a page, tables top to bottom."""
    horizontal = _merge([e for e in horizontal if e[2] - e[1] >= 1])
    vertical = _merge([e for e in vertical if e[2] - e[1] >= 1])
    crossings = _crossings(horizontal, vertical)
    return _group_cells(_cells(crossings))


def _clusters(values: Sequence[float], tolerance: float) -> dict[float, int]:
    """Each distinct value's cluster number: sorted values closer than `tolerance` to their predecessor join it."""
    numbers: dict[float, int] = {}
    cluster = -1
    last = None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        numbers[value] = cluster
        last = value
    return numbers


def _merge(edges: list[Edge]) -> list[Edge]:
    """Snap edges to the mean position of their cluster, join overlapping ones, drop the short."""
    cluster_of = _clusters([e[0] for e in edges], SNAP)
    members: dict[int, list[Edge]] = {}
    for edge in edges:
        members.setdefault(cluster_of[edge[0]], []).append(edge)
    lines: dict[float, list[Edge]] = {}
    for group in members.values():
        mean = sum(e[0] for e in group) / len(group)
        lines.setdefault(mean, []).extend(group)
    merged: list[Edge] = []
    for position, group in sorted(lines.items()):
        group.sort(key=lambda e: e[1])
        start, end = group[0][1], group[0][2]
        for _, begin, finish in group[1:]:
            if begin <= end + JOIN:
                end = max(end, finish)
            else:
                merged.append((position, start, end))
                start, end = begin, finish
        merged.append((position, start, end))
    return [e for e in merged if e[2] - e[1] >= MIN_EDGE]


Point = tuple[float, float]


def _crossings(horizontal: list[Edge], vertical: list[Edge]) -> dict[Point, tuple[set[int], set[int]]]:
    """Every point where a vertical edge meets a horizontal one: the vertical and horizontal edges there."""
    crossings: dict[Point, tuple[set[int], set[int]]] = {}
    levels = [e[0] for e in horizontal]  # sorted by _merge
    for v_index, (x, top, bottom) in enumerate(vertical):
        for h_index in range(bisect_left(levels, top - CROSS), len(horizontal)):
            y, x0, x1 = horizontal[h_index]
            if y > bottom + CROSS:
                break
            if x0 - CROSS <= x <= x1 + CROSS:
                v_edges, h_edges = crossings.setdefault((x, y), (set(), set()))
                v_edges.add(v_index)
                h_edges.add(h_index)
    return crossings


def _cells(crossings: dict[Point, tuple[set[int], set[int]]]) -> list[Box]:
    """From each crossing, the smallest rectangle whose four sides run along edges."""
    below: dict[float, list[float]] = {}
    right: dict[float, list[float]] = {}
    for x, y in sorted(crossings):
        below.setdefault(x, []).append(y)
        right.setdefault(y, []).append(x)

    def same_vertical(a: Point, b: Point) -> bool:
        return not crossings[a][0].isdisjoint(crossings[b][0])

    def same_horizontal(a: Point, b: Point) -> bool:
        return not crossings[a][1].isdisjoint(crossings[b][1])

    cells = []
    for x, y in sorted(crossings):
        ys, xs = below[x], right[y]
        cell = None
        for y2 in ys[bisect_left(ys, y) + 1:]:
            if not same_vertical((x, y), (x, y2)):
                continue
            for x2 in xs[bisect_left(xs, x) + 1:]:
                if not same_horizontal((x, y), (x2, y)):
                    continue
                corner = (x2, y2)
                if corner in crossings and same_vertical(corner, (x2, y)) and same_horizontal(corner, (x, y2)):
                    cell = (x, y, x2, y2)
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _group_cells(cells: list[Box]) -> list[list[Box]]:
    """Cells that share corners, directly or through others, form one table; a lone cell is no table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Point, int] = {}
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in owner:
                parent[root(index)] = root(owner[corner])
            else:
                owner[corner] = index
    tables: dict[int, list[Box]] = {}
    for index, cell in enumerate(cells):
        tables.setdefault(root(index), []).append(cell)
    found = [t for t in tables.values() if len(t) > 1]
    return sorted(found, key=lambda t: min((c[1], c[0]) for c in t))


def _centre_in(char: Char, box: Box) -> bool:
    x = (char.x0 + char.x1) / 2
    y = (char.top + char.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _fill(cells: list[Box], chars: list[Char]) -> LayoutTable:
    """The table's grid: one row per distinct cell top, one column per distinct cell left edge."""
    lefts = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = {}
    for cell in cells:
        by_top.setdefault(cell[1], {})[cell[0]] = cell
    table_box = (min(c[0] for c in cells), min(c[1] for c in cells),
                 max(c[2] for c in cells), max(c[3] for c in cells))
    # (middle, content order, char): pdfplumber reads a cell's characters in content order
    inside = sorted(((c.top + c.bottom) / 2, i, c) for i, c in enumerate(chars) if _centre_in(c, table_box))
    middles = [m for m, _, _ in inside]
    bands: dict[tuple[float, float], tuple[list[float], list[tuple[float, int, Char]]]] = {}
    rows = []
    for top in sorted(by_top):
        row = []
        for left in lefts:
            cell = by_top[top].get(left)
            if cell is None:
                row.append(LayoutCell("", None))
                continue
            band = bands.get((cell[1], cell[3]))
            if band is None:  # the characters between a top and a bottom, by their centres across
                across = sorted(((c.x0 + c.x1) / 2, i, c) for _, i, c in
                                inside[bisect_left(middles, cell[1]):bisect_left(middles, cell[3])])
                band = bands[(cell[1], cell[3])] = ([x for x, _, _ in across], across)
            centres, across = band
            mine = sorted(across[bisect_left(centres, cell[0]):bisect_left(centres, cell[2])], key=lambda t: t[1])
            row.append(LayoutCell(cell_text([c for _, _, c in mine]), cell))
        rows.append(row)
    return LayoutTable(table_box, rows)


# --- words and lines ---------------------------------------------------------------------------------

_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def extract_words(chars: list[Char]) -> list[Word]:
    """Words line by line, left to right: a space, a gap over 3 pt or a step back ends a word."""
    words: list[Word] = []
    for _, run in itertools.groupby(chars, key=lambda c: c.upright):  # upright and rotated apart
        run_chars = list(run)
        line_of = _clusters([c.top for c in run_chars], Y_GAP)
        lines: dict[int, list[Char]] = {}
        for char in run_chars:
            lines.setdefault(line_of[char.top], []).append(char)
        for number in sorted(lines):
            current: list[Char] = []
            for char in sorted(lines[number], key=lambda c: c.x0):
                if char.text.isspace():
                    _close_word(current, words)
                    current = []
                    continue
                if current:
                    last = current[-1]
                    if char.x0 < last.x0 or char.x0 > last.x1 + X_GAP or abs(char.top - last.top) > Y_GAP:
                        _close_word(current, words)
                        current = []
                current.append(char)
            _close_word(current, words)
    return words


def _close_word(chars: list[Char], words: list[Word]) -> None:
    if chars:
        words.append(Word("".join(_LIGATURES.get(c.text, c.text) for c in chars),
                          min(c.x0 for c in chars), min(c.top for c in chars),
                          max(c.x1 for c in chars), max(c.bottom for c in chars)))


def _lines(words: list[Word], in_order: bool) -> list[list[Word]]:
    """Words grouped into lines by their tops; `in_order` keeps the words' order and groups runs."""
    line_of = _clusters([w.top for w in words], Y_GAP)
    if in_order:
        return [list(run) for _, run in itertools.groupby(words, key=lambda w: line_of[w.top])]
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(line_of[word.top], []).append(word)
    return [lines[k] for k in sorted(lines)]


def cell_text(chars: list[Char]) -> str:
    """A cell's text: its lines run together, words on a line separated by one space."""
    if not chars:
        return ""
    tops = [c.top for c in chars]
    if max(tops) - min(tops) <= Y_GAP and all(c.upright for c in chars):  # one line, the usual cell
        words: list[str] = []
        current: list[Char] = []
        for char in sorted(chars, key=lambda c: c.x0):
            if char.text.isspace() or current and char.x0 > current[-1].x1 + X_GAP:
                if current:
                    words.append("".join(_LIGATURES.get(c.text, c.text) for c in current))
                current = [] if char.text.isspace() else [char]
            else:
                current.append(char)
        if current:
            words.append("".join(_LIGATURES.get(c.text, c.text) for c in current))
        return " ".join(words)
    return "".join(" ".join(w.text for w in line) for line in _lines(extract_words(chars), in_order=False))


def _union(items: Sequence[Word | Char]) -> Box:
    return (min(i.x0 for i in items), min(i.top for i in items),
            max(i.x1 for i in items), max(i.bottom for i in items))


# --- tables without rules ----------------------------------------------------------------------------

MIN_UNRULED_ROWS = 3  # lines with figures in aligned columns that make a table


def unruled_table(words: list[Word]) -> tuple[LayoutTable | None, list[Word]]:
    """A table printed without rules, found from its words: the longest run of lines holding two or
    more figures whose words fall into at least three columns (the gaps no line's words bridge),
    with the header lines right above it that stand in those columns. Returns it and the words left over.
    """
    lines = _lines(words, in_order=True)
    figures = [sum(isinstance(parse_number(w.text), Amount) for w in line) >= 2 for line in lines]
    best: tuple[int, int, list[tuple[float, float]]] | None = None
    start = 0
    while start < len(lines):
        if not figures[start]:
            start += 1
            continue
        end = start
        while end < len(lines) and figures[end]:
            end += 1
        columns = _columns(lines[start:end])
        if end - start >= MIN_UNRULED_ROWS and len(columns) >= 3 and (best is None or end - start > best[1] - best[0]):
            best = (start, end, columns)
        start = end
    if best is None:
        return None, words
    first, end, columns = best
    while first > 0 and len(_columns(lines[first - 1:end])) == len(columns) and \
            _fits(lines[first - 1], columns):
        first -= 1
        columns = _columns(lines[first:end])
    rows = []
    for line in lines[first:end]:
        cells: list[list[Word]] = [[] for _ in columns]
        for word in line:
            cells[next(j for j, (x0, x1) in enumerate(columns) if x0 <= word.x0 and word.x1 <= x1)].append(word)
        rows.append([LayoutCell(" ".join(w.text for w in cell), _union(cell)) if cell else LayoutCell("", None)
                     for cell in cells])
    table_words = [w for line in lines[first:end] for w in line]
    table = LayoutTable(_union(table_words), rows)
    used = {id(w) for w in table_words}
    return table, [w for w in words if id(w) not in used]


def _columns(lines: list[list[Word]]) -> list[tuple[float, float]]:
    """The x-ranges covered by the lines' words, overlapping ranges merged: one per column."""
    spans = sorted((w.x0, w.x1) for line in lines for w in line)
    columns: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _fits(line: list[Word], columns: list[tuple[float, float]]) -> bool:
    """A header line belongs above the figures when its words stand in two or more of their columns,
    each word in one (a title above the table spans one column at most)."""
    hit = [[j for j, (x0, x1) in enumerate(columns) if w.x0 < x1 and x0 < w.x1] for w in line]
    return all(len(h) == 1 for h in hit) and len({h[0] for h in hit}) >= 2
