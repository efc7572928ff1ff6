"""budgetlint's version, apart from the package's API: reading it imports nothing else."""

__version__ = "0.1.0"
