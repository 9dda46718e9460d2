#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10, not 3.11+).
# Looks on PATH first, then in pyenv's versions; says what to install when there is none.
set -u
is_310() { "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

for candidate in "${PYTHON:-}" python3.10 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if is_310 "$path"; then echo "$path"; exit 0; fi
  # A pyenv shim only runs when its version is selected: ask pyenv for the real file.
  if command -v pyenv >/dev/null 2>&1; then
    real=$(PYENV_VERSION="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1)" pyenv which python3.10 2>/dev/null) || true
    if [ -n "${real:-}" ] && is_310 "$real"; then echo "$real"; exit 0; fi
  fi
done

root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for real in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -V -r); do
  if is_310 "$real"; then echo "$real"; exit 0; fi
done

cat >&2 <<'MSG'
error: Pathfinder needs Python 3.10 (Rasa 3.6 runs on Python 3.8-3.10, not 3.11 or newer).
Install it, then run the command again. Any one of:
  pyenv install 3.10.13                           # with pyenv
  apt-get install python3.10 python3.10-venv      # Debian/Ubuntu with a 3.10 package
  brew install python@3.10                        # macOS
Or point to one you have: PYTHON=/path/to/python3.10 make ...
MSG
exit 1
