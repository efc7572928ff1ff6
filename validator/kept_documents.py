"""The budgets a run compares with each other at its end (validator.cross_documents), kept without their
documents in memory: each file's checker (a worker process, a cluster's worker, or the run's own
process) writes what the comparison reads as JSON (validator.document_json) beside a sketch of what
pairs it; the run keeps the sketches and appends the JSON to a temporary file, and at the end reads
back the documents of one unit at a time, those that are paired with another only.

JSON rather than pickle: it is the form the cache keeps too (where no pickle goes), so a cached budget
is handed on as it was stored, and a worker's text is appended to the spool without being read.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import document_json
from .document_identity import Identity
from .model import Document
from .spool import RecordSpool


@dataclass(frozen=True, slots=True)
class Sketch:
    """What pairs a budget with others (cross_documents), read off its document when it is checked."""

    path: str
    identity: Identity
    kind: str | None  # 部门预算, 单位预算 …
    has_text: bool
    standard_tables: bool  # a table of a kind the catalogue knows
    narrative: bool  # prose beyond a cover and captions


def sketch(document: Document, identity: Identity) -> Sketch:
    return Sketch(document.path, identity, document.kind, bool(document.text), any(t.kind for t in document.tables),
                  sum(len(line.text) for line in document.text) > 500)


@dataclass(frozen=True)
class KeptDocument:
    """A budget as kept to be compared: its sketch, and its document as JSON with what a comparison reads
    (the tables, the text, the kind; not the pages the reader could not read, which no comparison reads)."""

    sketch: Sketch
    document: str  # document_json, without the path (the sketch's)


def kept(document: Document, identity: Identity) -> KeptDocument:
    compared = Document(document.path, document.format, document.tables, document.text, kind=document.kind)
    return KeptDocument(sketch(document, identity), document_json.dumps(compared))


class KeptDocuments:
    """A run's budgets to compare: their sketches here, their documents in a temporary file until loaded."""

    def __init__(self) -> None:
        self.sketches: list[Sketch] = []
        self._places: list[tuple[int, int]] = []
        self._spool = RecordSpool()

    def append(self, budget: KeptDocument) -> None:
        self.sketches.append(budget.sketch)
        self._places.append(self._spool.append(budget.document))

    def load(self, number: int) -> Document:
        """The document of the `number`-th budget appended, read back from the spool."""
        return document_json.loads(self._spool.read(self._places[number]), self.sketches[number].path)

    def close(self) -> None:
        self._spool.close()
