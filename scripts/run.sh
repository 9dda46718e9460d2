#!/usr/bin/env bash
# Starts the action server, the Rasa server and the demo web page, waits until they answer, and stops them on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh
# Browsers may call the Rasa server (HTTP and socket.io) only from these origins (space-separated, or *).
: "${CORS_ORIGINS:=http://$PATHFINDER_HOST:$WEB_PORT}"
export CORS_ORIGINS
# Channels: credentials.yml, plus Slack and Microsoft Teams when their variables are set (see the README).
export RASA_CREDENTIALS="var/credentials-$RASA_PORT.yml"
"$VENV_BIN/python" scripts/make_credentials.py credentials.yml "$RASA_CREDENTIALS"
# Stores: SQLite and in-memory locks, or PostgreSQL and Redis when their variables are set (see the README).
export RASA_ENDPOINTS="var/endpoints-$RASA_PORT.yml"
"$VENV_BIN/python" scripts/make_endpoints.py endpoints.yml "$RASA_ENDPOINTS"
trap 'echo; echo "stopping..."; stop_servers; exit 0' INT TERM
trap 'stop_servers; rm -f "$RASA_CREDENTIALS" "$RASA_ENDPOINTS"' EXIT

start_action_server
read -ra cors_origins <<< "$CORS_ORIGINS"
start_rasa_server --cors "${cors_origins[@]}"
start_web_server

base="http://$PATHFINDER_HOST:$RASA_PORT"
cat <<MSG

Pathfinder is running.
  web page:  http://$PATHFINDER_HOST:$WEB_PORT (a demo page with the chat widget; CORS_ORIGINS=$CORS_ORIGINS)
  REST:      curl -s $base/webhooks/rest/webhook -H 'Content-Type: application/json' \\
               -d '{"sender": "me", "message": "How do I become a project manager with no experience?"}'
  socket.io: $base/socket.io (the web chat widget's channel)
  terminal:  make shell (in another terminal)
Press Ctrl-C to stop.
MSG
if [ -n "${SLACK_BOT_TOKEN:-}" ]; then echo "  Slack:     $base/webhooks/slack/webhook (Event Subscriptions and Interactivity URL)"; fi
if [ -n "${TEAMS_APP_ID:-}" ]; then echo "  Teams:     $base/webhooks/botframework/webhook (the Azure Bot's messaging endpoint)"; fi
# Exit when either server does; Ctrl-C is handled by the trap above.
wait -n "${PIDS[@]}"
echo "error: a server stopped unexpectedly" >&2
exit 1
