"""The web service (`budgetlint serve`, the `web` extra): upload disclosures, see the reports, keep the history.

Only the command imports this package, and lazily: the checker itself never needs FastAPI or SQLAlchemy.
One module per concern: settings (limits, address, token), models, database and migrations/ (tables,
Alembic), uploads (files and zip archives in, stored under generated ids), checks (queueing, finding,
deleting checks), jobs (the worker process running the batch runner over queued checks), results
(report files, history by fingerprint), security (token, CSRF, sizes), pages and json_api (the HTML
pages and the JSON API, with dependencies), app (the factory putting them together), server (the command).
"""
