"""The tables: a check (one upload), its documents (the files, each with its state) and their findings.

The migrations in migrations/versions create exactly these; a change here needs a new migration.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# A check's and a document's states: queued -> running -> done (a check also "failed": a budgetlint bug)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Base(DeclarativeBase):
    pass


def utc(moment: datetime) -> datetime:
    """A stored time, which is UTC; SQLite gives it back without its time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Check(Base):
    __tablename__ = "checks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex, also its folder's name
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure: Mapped[str | None] = mapped_column(Text)  # what went wrong, when failed
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[list[Document]] = relationship(back_populates="check", order_by="Document.position",
                                                     cascade="all, delete-orphan", passive_deletes=True)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex: the stored file's name
    check_id: Mapped[str] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order of upload
    unit: Mapped[str] = mapped_column(String(200), default="", index=True)
    year: Mapped[str] = mapped_column(String(8), default="", index=True)
    kind: Mapped[str | None] = mapped_column(String(40), index=True)  # 部门决算 … as the checker recognised it
    file_name: Mapped[str] = mapped_column(String(500))  # as uploaded (zip entries: archive/entry); shown only
    stored_file: Mapped[str] = mapped_column(String(64))  # in the check's folder: id and extension
    state: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)  # why it could not be read
    check: Mapped[Check] = relationship(back_populates="documents")
    findings: Mapped[list[Finding]] = relationship(back_populates="document", order_by="Finding.id",
                                                   cascade="all, delete-orphan", passive_deletes=True)


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(Text)  # where, as the text report says it
    fingerprint: Mapped[str] = mapped_column(String(40), index=True)  # validator.baseline.fingerprint
    document: Mapped[Document] = relationship(back_populates="findings")
