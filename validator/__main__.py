"""`python -m validator`: the budgetlint command, for when its script is not on PATH."""

from .cli import main

if __name__ == "__main__":  # not when a spawned worker process (budgetlint serve) imports this module again
    main(prog_name="budgetlint")
