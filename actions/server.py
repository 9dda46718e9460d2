"""The action server: rasa-sdk's app, answering only calls that carry the shared token.

rasa-sdk 3.6 has no authentication of its own, so anyone who can reach the port could run our
actions. The Rasa server sends ACTION_TOKEN as the `token` query parameter (`token:` in
endpoints.yml); calls without it, or with another, get a 401. /health stays open for probes.
scripts/servers.sh makes a random token for each run when ACTION_TOKEN is not set.
"""

import hmac
import logging

from rasa_sdk.endpoint import create_app
from sanic import response

logger = logging.getLogger("action_server")


def build_app(token: str):
    if not token:
        raise SystemExit(
            "error: ACTION_TOKEN is not set; the action server will not run without one"
        )
    app = create_app("actions.actions", cors_origins=None)  # no browser should ever call it

    @app.middleware("request")
    async def require_token(request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.args.get("token", ""), token):
            logger.warning("refused %s %s: missing or wrong token", request.method, request.path)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    return app
