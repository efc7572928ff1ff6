"""Culprit cells and likely causes (issue 20) on single mutations of consistent figures.

    python benchmarks/culprits.py [--cells N] [--real N] [--verbose]

Documents: the seeds (tests/fixtures), the 2026 budget templates filled with consistent figures
(tests/budget_workbook.py) and, when ../shared/real is there, the first N real documents of it. In
each, up to `--cells` figures that take part in a relation that holds are mutated one at a time, each
in six ways: two adjacent digits swapped, a digit dropped, ×10, a row counted twice (another figure of
its column added), a row left out (a smaller one subtracted: what is left out of a figure is part of
it), the figure of the row above copied. The document is checked again: a mutation no relation sees
is counted apart (undetectable); otherwise the culprit is right (its cell, told apart by its source:
on a PDF page, by its box; and the original value within one unit of its last decimal: a rounding
tail), wrong (another cell or value) or not named, and its cause is compared with the mutation's:
causes named together (小数点错位或多写一位数字: both say the figure is ten times too big) are right
when one of them is. Prints the confusion table (mutation × cause named), the rates, and each wrong
culprit and wrong cause; then why no culprit is named where none is (`why_none`): several cells fit
every relation alone (the ceiling the relations allow), or the search misses one. `--verbose` lists
every mutation without a culprit or a cause.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from budget_workbook import TEMPLATES, filled  # noqa: E402

from validator.catalogue import merged_catalogue  # noqa: E402
from validator.culprits import clusters  # noqa: E402
from validator.engine import Engine  # noqa: E402
from validator.model import Cell, Document, Source  # noqa: E402
from validator.numbers import Amount  # noqa: E402
from validator.readers import read_document  # noqa: E402
from validator.ruleset import builtin_rules  # noqa: E402

# The mutation kinds and the cause each should be named with
KINDS = {"swap": "相邻数字颠倒", "drop": "漏写一位数字", "x10": "小数点错位", "twice": "同一项重复计算",
         "omitted": "漏计一项", "neighbour": "抄录了相邻行的数"}

def documents(real: int) -> list[Path]:
    paths = sorted((ROOT / "tests" / "fixtures").glob("seed00*.txt"))
    folder = Path(tempfile.mkdtemp(prefix="culprits-"))
    paths += [filled(folder / f"{level}.xlsx", level=level) for level in TEMPLATES]
    shared = ROOT.parent / "shared" / "real"
    if shared.is_dir():
        paths += sorted(p for p in shared.rglob("*") if p.suffix in (".pdf", ".xlsx", ".xls"))[:real]
    return paths

def mutated(kind: str, cell: Cell, column: list[Decimal], above: Decimal | None, rng: random.Random) -> Decimal | None:
    """The cell's value after the mutation, or None when it does not apply (or changes nothing)."""
    amount = cell.amount
    assert amount is not None
    value, decimals = amount.value, amount.decimals
    digits = f"{abs(value):.{decimals}f}".replace(".", "")
    others = [v for v in column if v and v != value]
    if kind == "swap":
        pairs = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1] and not (i == 0 and digits[1] == "0")]
        if not pairs:
            return None
        i = rng.choice(pairs)
        digits = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    elif kind == "drop":
        if len(digits) < 3:
            return None
        i = rng.randrange(len(digits))
        digits = digits[:i] + digits[i + 1:]
    elif kind == "x10":
        return value * 10
    elif kind in ("twice", "omitted"):
        parts = others if kind == "twice" else [v for v in others if abs(v) < abs(value) and v * value > 0]
        if not parts:
            return None
        other = rng.choice(parts)
        return value + other if kind == "twice" else value - other
    else:
        return above if above is not None and above != value else None
    result = Decimal(digits).scaleb(-decimals).copy_sign(value)
    return result if result != value else None

def cell_text(value: Decimal, parsed: Amount) -> str:
    return f"{value:,.{parsed.decimals}f}"


def _set(cell: Cell, value: Decimal, decimals: int) -> None:
    cell.parsed = Amount(value, decimals)
    cell.text = f"{value:,.{decimals}f}"

def culprits(engine: Engine, document: Document) -> tuple[set[tuple[Source, str | None, str | None]], int, list]:
    """The culprits named (the cell's source: on a PDF page it alone tells the cells apart), the
    number of findings and the relations the rules evaluated (the engine's file context, kept by a run)."""
    from validator import engine as engine_module

    kept: list = []
    original = engine_module.with_culprits

    def keeping(findings, relations, *disclosures):
        kept.extend(relations)
        return original(findings, relations, *disclosures)

    engine_module.with_culprits = keeping
    try:
        findings, _ = engine.run(document)
    finally:
        engine_module.with_culprits = original
    named = {(f.culprit.location.source, f.culprit.proposed, f.culprit.cause)
             for f in findings if f.culprit is not None}
    return named, len(findings), kept


def why_none(relations: list, cluster, cell: Cell, original: Decimal, failing_before: set) -> str:
    """Why no culprit is named for a detected mutation of `cell`, given its `cluster` of failing relations
    (validator.culprits): `several fit` (other single cells fix every relation just as well: the
    relations alone cannot tell), `missed: …` (restoring the cell fixes every relation, yet the search
    does not offer it) or `other: …`."""
    if cluster is None:
        failing = [r for r in relations if not r.holds and any(ref.cell is cell for ref in r.cells)]
        if not failing:
            return "other: no failing relation has the cell"
        if all(r.op != "==" for r in failing):
            return "other: only bounds fail"
        return "missed: its failing relations give no finding" if all(r.finding is None for r in failing) \
            else "missed: no cluster"
    # the cell offered with a value its relations hold with, as with the original (a rounding tail apart)
    if any(c.ref.cell is cell and c.value is not None and c.agrees(original) for c in cluster.candidates):
        return "several fit" if len(cluster.candidates) > 1 else "other: the one candidate is not reported"
    if any(_key(r) in failing_before for r in cluster.relations):
        return "missed: joined with a failure already there"
    if not all(any(ref.cell is cell for ref in r.cells) for r in cluster.relations):
        return "missed: a failing relation without the cell"
    return "missed: the cell is not offered"


def _cluster_of(relations: list, cell: Cell):
    return next((c for c in clusters(relations) if any(ref.cell is cell for r in c.relations for ref in r.cells)), None)


def _key(relation) -> tuple:
    """A relation told apart across runs (each run makes its own): its rule and the cells it reads."""
    return relation.rule, tuple(id(ref.cell) for ref in relation.cells)


def sweep(path: Path, engine: Engine, catalogue, cells_per_document: int, table: Counter, outcomes: Counter,
          reasons: Counter, verbose: bool) -> None:
    document = read_document(path, catalogue)
    before, count, relations = culprits(engine, document)
    failing_before = {_key(r) for r in relations if not r.holds}
    held = {id(ref.cell): ref for r in relations if r.holds and r.op == "==" for ref in r.cells
            if getattr(ref, "table", None) is not None and ref.cell.amount is not None and ref.cell.amount.value}
    rng = random.Random(20)
    chosen = rng.sample(list(held.values()), min(cells_per_document, len(held)))
    for ref in chosen:
        cell, original_parsed, original_text = ref.cell, ref.cell.parsed, ref.cell.text
        column = [c.amount.value for row in ref.table.rows if (c := row.cells.get(ref.column.index)) is not None
                  and c.amount is not None and row is not ref.row]
        at = ref.table.rows.index(ref.row)
        above_cell = ref.table.rows[at - 1].cells.get(ref.column.index) if at else None
        above = above_cell.amount.value if above_cell is not None and above_cell.amount is not None else None
        for kind, cause in KINDS.items():
            value = mutated(kind, cell, column, above, rng)
            if value is None:
                continue
            _set(cell, value, original_parsed.decimals)
            try:
                after, after_count, after_relations = culprits(engine, document)
                cluster = _cluster_of(after_relations, cell)
                why = why_none(after_relations, cluster, cell, original_parsed.value, failing_before)
                several = cluster is not None and len(cluster.candidates) > 1
            finally:
                cell.parsed, cell.text = original_parsed, original_text
            new = after - before
            detectable = after_count != count or bool(new)
            if not detectable:
                outcomes[kind, "undetectable"] += 1
                continue
            place = cell.source
            # the value proposed makes every relation hold: it may differ from the original by a
            # rounding tail (551.62 for a printed 551.61 whose parts add to 551.62)
            unit = Decimal(1).scaleb(-original_parsed.decimals)
            right = [n for n in new if n[0] == place and n[1] is not None
                     and abs(Decimal(n[1].replace(",", "").rstrip("%")) - original_parsed.value) <= unit]
            if right:
                named = right[0][2] or "原因不明"
                outcomes[kind, "right"] += 1
                outcomes[kind, "right among several"] += several
                table[kind, named] += 1
                verdict = "cause right" if cause in named.split("或") else ("cause none" if named == "原因不明" else "cause wrong")
                outcomes[kind, verdict] += 1
                if verdict == "cause wrong" or verdict == "cause none" and verbose:
                    print(f"  {'wrong cause' if verdict == 'cause wrong' else 'no cause'}: {path.name} {kind} {place.describe()} {original_text} → "
                          f"{cell_text(value, original_parsed)}: {named}")
            elif new:
                outcomes[kind, "wrong"] += 1
                named = "; ".join(f"{where.describe()} {where.bbox or ''} → {proposed} {cause}" for where, proposed, cause in new)
                print(f"  wrong culprit: {path.name} {kind} {place.describe()} {place.bbox or ''} {original_text} → "
                      f"{cell_text(value, original_parsed)}: {named}")
            else:
                outcomes[kind, "none"] += 1
                reasons[why] += 1
                if verbose:
                    print(f"  none ({why}): {path.name} {kind} {place.describe()} {original_text} → "
                          f"{cell_text(value, original_parsed)}")

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=25, help="figures mutated per document")
    parser.add_argument("--real", type=int, default=4, help="real documents of ../shared/real")
    parser.add_argument("--verbose", action="store_true", help="print each mutation no culprit is named for")
    args = parser.parse_args()
    catalogue = merged_catalogue([])
    engine = Engine(builtin_rules(), catalogue)
    table: Counter = Counter()
    outcomes: Counter = Counter()
    reasons: Counter = Counter()
    for path in documents(args.real):
        try:
            sweep(path, engine, catalogue, args.cells, table, outcomes, reasons, args.verbose)
        except Exception as error:  # a document the reader refuses is left out, and said so
            print(f"skipped {path.name}: {type(error).__name__}: {error}")
            continue
        print(f"done {path.name}", flush=True)
    causes = sorted({named for _, named in table})
    print(f"\n{'mutation':10}" + "".join(f"{c:>14}" for c in causes) + f"{'right':>7}{'wrong':>7}{'none':>7}{'undet.':>8}")
    for kind in KINDS:
        print(f"{kind:10}" + "".join(f"{table[kind, c]:>14}" for c in causes)
              + "".join(f"{outcomes[kind, o]:>7}" for o in ("right", "wrong", "none")) + f"{outcomes[kind, 'undetectable']:>8}")
    detectable = sum(outcomes[k, o] for k in KINDS for o in ("right", "wrong", "none"))
    right = sum(outcomes[k, "right"] for k in KINDS)
    wrong = sum(outcomes[k, "wrong"] for k in KINDS)
    cause_right = sum(outcomes[k, "cause right"] for k in KINDS)
    cause_wrong = sum(outcomes[k, "cause wrong"] for k in KINDS)
    print(f"\ndetectable single mutations: {detectable} (undetectable: {sum(outcomes[k, 'undetectable'] for k in KINDS)})")
    if detectable:
        print(f"culprit named right: {right / detectable:.1%}; wrong culprit: {wrong / detectable:.1%}; "
              f"none: {(detectable - right - wrong) / detectable:.1%}")
        print(f"right cause: {cause_right / detectable:.1%} of detectable ({cause_right}/{right} of those named right); "
              f"wrong cause: {cause_wrong / detectable:.1%}")
    among = sum(outcomes[k, "right among several"] for k in KINDS)
    print(f"named right where the relations alone single out the cell: {right - among}; "
          f"where several cells fit them and a rule of thumb tells: {among}")
    print("why none: " + "; ".join(f"{why} {n}" for why, n in sorted(reasons.items(), key=lambda item: -item[1])))

if __name__ == "__main__":
    main()
