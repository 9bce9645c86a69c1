"""Register the tenant's one data connection in Superset's metastore, run by the Superset CR's init step.

Why not `superset set-database-uri`: it only sets the URI (apache/superset superset/cli/update.py, which calls
``superset.utils.database.get_or_create_db``), but Trino authenticates every client with the user's own token,
so the connection must impersonate the signed-in user (``impersonate_user``; the Trino engine spec then sends
that user's OAuth2 token, apache/superset PR 30081). Nothing here is tenant code: the name, URI and mode come
from the environment the CR sets (GOVCLOUD_DATA_NAME, GOVCLOUD_DATA_URI, GOVCLOUD_DATA_PER_USER).
"""

from __future__ import annotations

import os


def main() -> None:
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset.extensions import db
        from superset.utils.database import get_or_create_db

        database = get_or_create_db(os.environ["GOVCLOUD_DATA_NAME"], os.environ["GOVCLOUD_DATA_URI"])
        database.impersonate_user = os.environ.get("GOVCLOUD_DATA_PER_USER") == "true"
        database.allow_dml = False
        database.expose_in_sqllab = True
        db.session.commit()


if __name__ == "__main__":
    main()
