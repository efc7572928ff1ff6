"""Claims read and checked per second on the real seeds (issue 4).

    python benchmarks/claims.py [--runs 5]

Per seed: the claims extract_claims finds in its prose, the time to find them, and the time to find
and check them with every claim, grade and narrative rule (median of runs), as claims per second.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from readers import medians  # benchmarks/readers.py: medians of runs taken in turns

from validator.catalogue import builtin_catalogue
from validator.claims import extract_claims
from validator.engine import Engine
from validator.readers import read_document
from validator.ruleset import builtin_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests/fixtures").glob("seed00[0-4].txt"))
PROSE_RULES = ("C-", "G-", "NR-", "N-02")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    catalogue = builtin_catalogue()
    engine = Engine([r for r in builtin_rules() if r.id.startswith(PROSE_RULES)], catalogue)
    print(f"{'seed':14} {'lines':>6} {'claims':>7} {'extract':>10} {'extract+check':>14} {'claims/s':>9}")
    total_claims = total_seconds = 0.0
    for seed in SEEDS:
        document = read_document(seed, catalogue)
        claims = extract_claims(document.text)
        extract, checked = medians([lambda d=document: extract_claims(d.text), lambda d=document: engine.run(d)], runs)
        total_claims += len(claims)
        total_seconds += checked
        print(f"{seed.name:14} {len(document.text):6} {len(claims):7} {extract * 1000:7.1f} ms {checked * 1000:11.1f} ms "
              f"{len(claims) / checked:9.0f}")
    print(f"{'all seeds':14} {'':6} {int(total_claims):7} {'':10} {total_seconds * 1000:11.1f} ms "
          f"{total_claims / total_seconds:9.0f}")


if __name__ == "__main__":
    main()
