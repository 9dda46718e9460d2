#!/bin/sh
# A Rasa server in a container: builds its endpoints and credentials files from the environment exactly as
# scripts/run.sh does (PostgreSQL with DB_*, Redis with REDIS_*; secrets stay ${...} placeholders), then runs.
set -eu
python scripts/make_credentials.py credentials.yml var/credentials.yml
python scripts/make_endpoints.py endpoints.yml var/endpoints.yml
exec python -m rasa_server run --model models/pathfinder.tar.gz --interface 0.0.0.0 --port "${RASA_PORT:-5005}" \
  --endpoints var/endpoints.yml --credentials var/credentials.yml "$@"
