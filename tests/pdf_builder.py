"""Small PDFs written byte for byte: one page whose content stream is given, Helvetica as font F1.
A plain module (not a test file), shared by the hostile-input tests and the fuzz generators."""

import zlib


def one_page_pdf(content: bytes, size: tuple[int, int] = (595, 842)) -> bytes:
    """A valid one-page PDF drawing `content` (PDF operators), compressed, with a correct xref table."""
    packed = zlib.compress(content)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>" % size,
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def text_lines(lines: list[bytes], size: int = 10) -> bytes:
    """Content drawing each line under the one before, from the page's top left."""
    return b"".join(b"BT /F1 %d Tf 40 %d Td (%s) Tj ET\n" % (size, 800 - size * 2 * i, line)
                    for i, line in enumerate(lines))
