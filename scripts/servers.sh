# Shared by run.sh, shell.sh and scaleout.sh: start the servers on the configured host and ports, wait for
# them, and stop them on exit. Source it from the project's root.
VENV_BIN="${VENV_BIN:-.venv/bin}"
MODEL="${MODEL:-models/pathfinder.tar.gz}"
# Hosts, ports and the SQLite file: the environment's, else core/settings.py's defaults.
eval "$("$VENV_BIN/python" -m core.settings --shell)"
PIDS=()
mkdir -p var
# The Rasa server proves itself to the action server with this token (endpoints.yml, actions/server.py).
# Unless one is given, each run makes its own; it lives only in these processes' environment.
if [ -z "${ACTION_TOKEN:-}" ]; then
  ACTION_TOKEN=$("${VENV_BIN}/python" -c 'import secrets; print(secrets.token_urlsafe(32))')
fi
export ACTION_TOKEN

stop_servers() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# wait_for NAME URL SECONDS PID: until URL answers, the process dies, or time runs out.
wait_for() {
  local name=$1 url=$2 seconds=$3 pid=$4
  for _ in $(seq $((seconds * 2))); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "error: the $name exited; see the log above" >&2; return 1; fi
    sleep 0.5
  done
  echo "error: the $name did not answer at $url within ${seconds}s" >&2
  return 1
}

start_action_server() {
  # rasa-sdk's server behind a shared-token check (actions/server.py).
  "$VENV_BIN/python" -m actions &
  PIDS+=($!)
  wait_for "action server" "http://$ACTION_HOST:$ACTION_PORT/health" 60 "$!"
}

start_rasa_server() {
  # Rasa's HTTP API (trackers, models, ...) stays off unless a JWT secret or a token is given: never open.
  local api=()
  if [ -n "${RASA_JWT_SECRET:-}" ]; then
    api=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}")
  elif [ -n "${RASA_API_TOKEN:-}" ]; then
    api=(--enable-api --auth-token "$RASA_API_TOKEN")
  fi
  # Rasa's command line with our patches installed first (rasa_server/patches.py).
  "$VENV_BIN/python" -m rasa_server run --model "$MODEL" --interface "$PATHFINDER_HOST" --port "$RASA_PORT" \
    --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --credentials "${RASA_CREDENTIALS:-credentials.yml}" "${api[@]}" "$@" &
  PIDS+=($!)
  wait_for "Rasa server" "http://$PATHFINDER_HOST:$RASA_PORT/" 180 "$!"
}

start_web_server() {
  "$VENV_BIN/python" scripts/web_server.py --host "$PATHFINDER_HOST" --port "$WEB_PORT" \
    --socket-url "http://$PATHFINDER_HOST:$RASA_PORT" &
  PIDS+=($!)
  wait_for "web server" "http://$PATHFINDER_HOST:$WEB_PORT/" 20 "$!"
}
