"""The web service (`budgetlint serve`, the `web` extra): upload disclosures, see the reports, keep the history.

Only the command imports this package, and lazily: the checker itself never needs FastAPI or SQLAlchemy.
One module per concern: settings (limits, addresses), models and database (tables, migrations),
uploads (files and zip archives in, stored under generated ids), jobs (the worker process that runs
the batch runner over queued checks), results (report files, history), security (token, CSRF, sizes),
pages and api (the HTML pages and the JSON API), app (the factory putting them together).
"""
