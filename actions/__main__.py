"""Starts the action server: `ACTION_TOKEN=... python -m actions` (ACTION_HOST, ACTION_PORT:
core/settings.py)."""

import logging
import os

from actions.server import build_app
from core.settings import server


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s"
    )
    host, port = server(os.environ, "ACTION_HOST"), int(server(os.environ, "ACTION_PORT"))
    app = build_app(os.environ.get("ACTION_TOKEN", ""))
    logging.getLogger("action_server").info(
        "action server on http://%s:%s (calls need the token)", host, port
    )
    app.run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
