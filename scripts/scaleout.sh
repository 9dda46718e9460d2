#!/usr/bin/env bash
# The production topology on this machine, without Docker: PostgreSQL (tracker store), Redis (lock store)
# and nginx on 127.0.0.1, one action server and two Rasa servers sharing them, nginx balancing between the
# two (round robin). Installs PostgreSQL, Redis and nginx with apt-get when missing. Ctrl-C stops everything.
#
#   scripts/scaleout.sh                 # needs the model: `make train` first (`make scaleout` does both)
#
# Ports are free ones unless set: SCALEOUT_PORT (nginx), RASA_PORTS ("5006 5007"), ACTION_PORT, DB_PORT,
# REDIS_PORT. State (PostgreSQL's data, logs, nginx's config) goes to SCALEOUT_DIR (var/scaleout).
# With DB_URL or DB_HOST set it uses that database and starts no PostgreSQL; with REDIS_HOST, that Redis.
# PostgreSQL and Redis may be restarted while it runs (the servers get through it; the README says how);
# it stops whichever is running when it exits.
# The README's "Production and scale-out" has the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_BIN="${VENV_BIN:-.venv/bin}"
MODEL="${MODEL:-models/pathfinder.tar.gz}"
DIR="${SCALEOUT_DIR:-var/scaleout}"
mkdir -p "$DIR/logs" "$DIR/nginx"
DIR="$(cd "$DIR" && pwd)"
[ -f "$MODEL" ] || { echo "error: $MODEL is missing: run \`make train\` first" >&2; exit 1; }

ports=($("$VENV_BIN/python" -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))'))
SCALEOUT_PORT="${SCALEOUT_PORT:-${ports[0]}}"
read -r -a RASA_PORTS <<<"${RASA_PORTS:-${ports[1]} ${ports[2]}}"
export PATHFINDER_HOST=127.0.0.1 ACTION_HOST=127.0.0.1 ACTION_PORT="${ACTION_PORT:-${ports[3]}}"
# Requests per second nginx lets through per client address, and per client address and X-Sender-Id.
RATE_PER_ADDRESS="${RATE_PER_ADDRESS:-500}"
RATE_PER_SENDER="${RATE_PER_SENDER:-2}"
source scripts/servers.sh

# ---- what is running, and stopping it all (nginx first, the databases last) ----
PG_CTL=() REDIS_PID="" NGINX_PID="" TEMP_PGDATA=""
stop_pid() {  # stop_pid PID SIGNAL
  [ -n "$1" ] || return 0
  kill "-$2" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_pid "$NGINX_PID" TERM
  stop_servers
  stop_pid "$REDIS_PID" TERM
  # A Redis restarted under us is not our child: its pid file says which one is running.
  local pid
  pid="$(cat "$DIR/redis/redis.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$DIR/redis/redis.conf"
  # PostgreSQL's fast shutdown, whichever postmaster runs on our data directory (it may have been restarted).
  if [ ${#PG_CTL[@]} -gt 0 ]; then "${PG_CTL[@]}" stop -m fast -w >/dev/null 2>&1 || true; fi
  if [ -n "$TEMP_PGDATA" ]; then rm -rf "$TEMP_PGDATA"; fi
  for port in "${RASA_PORTS[@]}"; do rm -f "var/endpoints-$port.yml" "var/credentials-$port.yml"; done
}
trap 'echo; echo "stopping..."; exit 0' INT TERM
trap cleanup EXIT

# ---- packages ----
install_package() {  # install_package COMMAND PACKAGE: apt-get install PACKAGE unless COMMAND exists
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "$1 is not installed: installing the $2 package with apt-get (log: $DIR/logs/apt.log)..."
  if ! { export DEBIAN_FRONTEND=noninteractive
         $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 "$2" ||
         { $sudo apt-get update -q && $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 "$2"; }
       } >>"$DIR/logs/apt.log" 2>&1 || ! command -v "$1" >/dev/null 2>&1; then
    echo "error: could not install $2 with apt-get (see $DIR/logs/apt.log). Install PostgreSQL, Redis and" \
      "nginx yourself (Debian/Ubuntu: apt-get install postgresql redis-server nginx) and run this again." >&2
    exit 3
  fi
}

# wait_until NAME SECONDS PID COMMAND...: until COMMAND succeeds, the process dies, or time runs out.
wait_until() {
  local name=$1 seconds=$2 pid=$3
  shift 3
  for _ in $(seq $((seconds * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "error: $name exited; see $DIR/logs/" >&2; return 1; fi
    sleep 0.25
  done
  echo "error: $name did not start within ${seconds}s; see $DIR/logs/" >&2
  return 1
}
new_secret() { "$VENV_BIN/python" -c 'import secrets; print(secrets.token_hex(16))'; }

# ---- PostgreSQL: our own cluster, run by a user that is not root (PostgreSQL refuses root) ----
start_postgres() {
  if [ -z "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] && ! command -v initdb >/dev/null; then
    install_package pg_ctlcluster postgresql
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  bin="${bin:-$(dirname "$(command -v initdb)")}"
  export DB_HOST=127.0.0.1 DB_PORT="${DB_PORT:-${ports[4]}}" DB_NAME="${DB_NAME:-pathfinder}" DB_USER="${DB_USER:-pathfinder}"
  local pgdata="$DIR/pgdata" run_as=() user
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    if ! id "$user" >/dev/null 2>&1; then
      user=pathfinder-pg
      id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    fi
    run_as=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups --)
    mkdir -p "$pgdata" && chown "$user" "$pgdata" && chmod 700 "$pgdata"
    if ! "${run_as[@]}" test -w "$pgdata"; then
      # $DIR is inside a folder that user cannot enter (a private checkout): keep the data in /tmp for this run.
      TEMP_PGDATA="$(mktemp -d /tmp/pathfinder-pgdata.XXXXXX)"
      chown "$user" "$TEMP_PGDATA"
      pgdata="$TEMP_PGDATA"
      echo "note: $user cannot reach $DIR; PostgreSQL's data is in $pgdata for this run only"
    fi
  fi
  # The password: DB_PASSWORD, else the one made when the cluster was created (kept beside it, mode 600).
  local secret_file="$DIR/db_password"
  if [ -z "${DB_PASSWORD:-}" ]; then
    if [ -z "$TEMP_PGDATA" ] && [ -s "$secret_file" ] && [ -s "$pgdata/PG_VERSION" ]; then
      DB_PASSWORD="$(cat "$secret_file")"
    else
      DB_PASSWORD="$(new_secret)"
      if [ -z "$TEMP_PGDATA" ]; then (umask 077 && printf '%s\n' "$DB_PASSWORD" >"$secret_file"); fi
    fi
  fi
  export DB_PASSWORD
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    local pwfile
    pwfile="$(mktemp)"
    printf '%s\n' "$DB_PASSWORD" >"$pwfile"
    if [ ${#run_as[@]} -gt 0 ]; then chown "$user" "$pwfile"; fi
    "${run_as[@]}" "$bin/initdb" -D "$pgdata" -U "$DB_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --no-locale >"$DIR/logs/initdb.log" 2>&1 || { rm -f "$pwfile"; echo "error: initdb failed, see $DIR/logs/initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
  fi
  # With pg_ctl, so that `pg_ctl restart -D <data>` (as $user) restarts it with the same options. No -l: that
  # user may not be able to open a file under $DIR, so the server writes to the log this shell opens.
  PG_CTL=("${run_as[@]}" "$bin/pg_ctl" -D "$pgdata")
  if ! "${PG_CTL[@]}" start -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $DB_PORT -c unix_socket_directories= -c max_connections=200" >>"$DIR/logs/postgres.log" 2>&1; then
    echo "error: PostgreSQL did not start; see $DIR/logs/postgres.log" >&2
    exit 1
  fi
  export PGPASSWORD="$DB_PASSWORD"
  if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    "$bin/createdb" -h 127.0.0.1 -p "$DB_PORT" -U "$DB_USER" "$DB_NAME"
  fi
  unset PGPASSWORD
  echo "PostgreSQL: 127.0.0.1:$DB_PORT, database $DB_NAME, data in $pgdata (log: $DIR/logs/postgres.log)"
}

# ---- Redis: the lock store, nothing saved to disk; the configuration (with the password, so not on the
# command line) is in a file only root can read, so `redis-server $DIR/redis/redis.conf` restarts it ----
start_redis() {
  install_package redis-server redis-server
  export REDIS_HOST=127.0.0.1 REDIS_PORT="${REDIS_PORT:-${ports[5]}}" REDIS_PASSWORD="${REDIS_PASSWORD:-$(new_secret)}"
  mkdir -p "$DIR/redis"
  (umask 077 && printf 'bind 127.0.0.1\nport %s\nrequirepass "%s"\nsave ""\nappendonly no\ndir "%s"\npidfile "%s"\nlogfile "%s"\n' \
    "$REDIS_PORT" "$REDIS_PASSWORD" "$DIR/redis" "$DIR/redis/redis.pid" "$DIR/logs/redis.log" >"$DIR/redis/redis.conf")
  redis-server "$DIR/redis/redis.conf" >>"$DIR/logs/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_until Redis 30 "$REDIS_PID" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$REDIS_PORT"
  echo "Redis: 127.0.0.1:$REDIS_PORT, configuration in $DIR/redis/redis.conf (log: $DIR/logs/redis.log)"
}

# ---- nginx: our own configuration and files under $DIR, not the system's ----
start_nginx() {
  install_package nginx nginx
  local conf="$DIR/nginx/nginx-$SCALEOUT_PORT.conf" servers="" port
  for port in "${RASA_PORTS[@]}"; do servers+="    server 127.0.0.1:$port max_fails=2 fail_timeout=5s;"$'\n'; done
  mkdir -p "$DIR/nginx/tmp"
  sed -e "s|@DIR@|$DIR|g" -e "s|@PORT@|$SCALEOUT_PORT|g" -e "s|@RATE_PER_ADDRESS@|$RATE_PER_ADDRESS|g" \
    -e "s|@RATE_PER_SENDER@|$RATE_PER_SENDER|g" -e "s|@BURST_PER_ADDRESS@|$((RATE_PER_ADDRESS * 2))|g" \
    -e "s|@BURST_PER_SENDER@|$((RATE_PER_SENDER * 5))|g" scripts/scaleout-nginx.conf |
    SERVERS="$servers" awk '{ if ($0 ~ /@SERVERS@/) printf "%s", ENVIRON["SERVERS"]; else print }' >"$conf"
  nginx -p "$DIR/nginx" -e "$DIR/logs/nginx-error.log" -c "$conf" -t -q
  nginx -p "$DIR/nginx" -e "$DIR/logs/nginx-error.log" -c "$conf" &
  NGINX_PID=$!
  wait_until nginx 30 "$NGINX_PID" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$SCALEOUT_PORT/"
}

# ---- the Rasa servers: every replica gets the same stores; their logs are prefixed with the port ----
launch_rasa_server() {
  local port=$1
  "$VENV_BIN/python" -m rasa_server run --model "$MODEL" --interface 127.0.0.1 --port "$port" \
    --endpoints "var/endpoints-$port.yml" --credentials "var/credentials-$port.yml" \
    > >(sed -u "s/^/[rasa $port] /") 2>&1 &
  PIDS+=($!)
}

if [ -z "${DB_URL:-}${DB_HOST:-}" ]; then start_postgres; else echo "PostgreSQL: DB_URL/DB_HOST as set"; fi
if [ -z "${REDIS_HOST:-}" ]; then start_redis; else echo "Redis: REDIS_HOST as set"; fi
for port in "${RASA_PORTS[@]}"; do
  RASA_PORT=$port "$VENV_BIN/python" scripts/make_credentials.py credentials.yml "var/credentials-$port.yml" >/dev/null
  RASA_PORT=$port "$VENV_BIN/python" scripts/make_endpoints.py endpoints.yml "var/endpoints-$port.yml"
done
# Rasa creates its tables when it starts; two replicas doing it at once can collide, so create them first.
"$VENV_BIN/python" -c '
import sys
from rasa_server import patches
patches.install()
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path
TrackerStore.create(read_endpoints_from_path(sys.argv[1]).tracker_store)' "var/endpoints-${RASA_PORTS[0]}.yml" 2>/dev/null
start_action_server
for port in "${RASA_PORTS[@]}"; do launch_rasa_server "$port"; done
for i in "${!RASA_PORTS[@]}"; do
  wait_for "Rasa server on ${RASA_PORTS[$i]}" "http://127.0.0.1:${RASA_PORTS[$i]}/" 240 "${PIDS[$((i + 1))]}"
done
start_nginx

base="http://127.0.0.1:$SCALEOUT_PORT"
cat <<MSG

Pathfinder scale-out is running.
  nginx:     $base (round robin over Rasa servers on ports ${RASA_PORTS[*]}; X-Upstream says which answered)
  action:    http://127.0.0.1:$ACTION_PORT
  REST:      curl -si $base/webhooks/rest/webhook -H 'X-Sender-Id: me' -H 'Content-Type: application/json' \\
               -d '{"sender": "me", "message": "How much does a project manager earn?"}'
  limits:    $RATE_PER_ADDRESS requests/s per client address, $RATE_PER_SENDER per address and X-Sender-Id (429 beyond)
  logs:      $DIR/logs/
Press Ctrl-C to stop.
MSG
# Exit when the action server, a Rasa server or nginx does; Ctrl-C is handled by the trap above. Not when
# PostgreSQL or Redis stops: they may be restarted, and the Rasa servers carry on when they are back.
wait -n "${PIDS[@]}" $NGINX_PID
echo "error: a server stopped unexpectedly" >&2
exit 1
