#!/usr/bin/env bash
# Talk to the assistant in the terminal: starts the action server, then rasa shell on the same model.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh
trap 'stop_servers' EXIT
start_action_server >/dev/null
# rasa shell runs its own server on a port of its own; 0 is not allowed, so take a free one.
port=$("$VENV_BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV_BIN/python" -m rasa_server shell --model "$MODEL" --endpoints endpoints.yml --interface 127.0.0.1 --port "$port"
