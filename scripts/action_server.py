"""The action server: rasa-sdk's app, answering only calls that carry the shared token.

rasa-sdk 3.6 has no authentication of its own, so anyone who can reach the port could run our
actions. The Rasa server sends ACTION_TOKEN as the `token` query parameter (`token:` in
endpoints.yml); calls without it, or with another, get a 401. /health stays open for probes.
scripts/run.sh makes a random token for each run when ACTION_TOKEN is not set.

    ACTION_HOST=127.0.0.1 ACTION_PORT=5055 ACTION_TOKEN=... python scripts/action_server.py
"""
import hmac
import logging
import os
import sys
from pathlib import Path

from rasa_sdk.endpoint import create_app
from sanic import response

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

logger = logging.getLogger("action_server")


def build_app(token: str):
    if not token:
        raise SystemExit("error: ACTION_TOKEN is not set; the action server will not run without one")
    app = create_app("actions", cors_origins=None)  # no browser should ever call it

    @app.middleware("request")
    async def require_token(request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.args.get("token", ""), token):
            logger.warning("refused %s %s: missing or wrong token", request.method, request.path)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    host, port = os.environ.get("ACTION_HOST", "127.0.0.1"), int(os.environ.get("ACTION_PORT", "5055"))
    app = build_app(os.environ.get("ACTION_TOKEN", ""))
    logger.info("action server on http://%s:%s (calls need the token)", host, port)
    app.run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
