#!/usr/bin/env bash
# The compat legs of `make compat`: each ansible-core of COMPAT runs the given tests on a Python it
# supports, the first found of its list, searched on PATH, in pyenv and among uv's managed Pythons.
# A leg with no Python on this machine is skipped and says why; at least one leg must run.
# COMPAT_STRICT=1 (CI, .ci/run) insists on the first Python of every leg instead.
#
#   COMPAT="2.17.14:3.10,3.11,3.12 2.21.5:3.13,3.12" tests/compat/run_compat.sh [--find-only] TEST...
set -uo pipefail

find_only=0
if [ "${1:-}" = "--find-only" ]; then find_only=1; shift; fi
tests=("$@")
strict=${COMPAT_STRICT:-0}
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
uv_root=${UV_PYTHON_INSTALL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/uv/python}

# An interpreter of exactly version $1 that can make a venv, or nothing. Every candidate is run:
# a pyenv shim on PATH exists for versions that are installed but not selected, and fails when run.
find_python() {
  local version=$1 candidate
  local candidates=()
  candidate=$(command -v "python$version" 2>/dev/null) && candidates+=("$candidate")
  for candidate in "$pyenv_root"/versions/"$version".*/bin/python"$version" \
                   "$uv_root"/cpython-"$version".*/bin/python"$version"; do
    [ -x "$candidate" ] && candidates+=("$candidate")
  done
  if command -v uv >/dev/null 2>&1; then
    candidate=$(uv python find "$version" 2>/dev/null) && candidates+=("$candidate")
  fi
  for candidate in "${candidates[@]}"; do
    if [ "$("$candidate" -c 'import sys, ensurepip, venv; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]
    then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ran=() skipped=() failed=()
for leg in ${COMPAT:?COMPAT is not set}; do
  core=${leg%%:*}
  versions=${leg#*:}
  interpreter="" python=""
  for version in ${versions//,/ }; do
    if [ "$strict" = 1 ] && [ "$version" != "${versions%%,*}" ]; then break; fi
    if interpreter=$(find_python "$version"); then python=$version; break; fi
  done
  wanted=${versions//,/ or }
  if [ -z "$python" ]; then
    if [ "$strict" = 1 ]; then
      echo "compat: COMPAT_STRICT: ansible-core $core must run on Python ${versions%%,*}, which is not on this machine" \
           "(searched PATH, $pyenv_root and $uv_root)"
      failed+=("ansible-core $core: no Python ${versions%%,*}")
      continue
    fi
    echo "compat: skipped ansible-core $core: it needs Python $wanted; none found on PATH, in $pyenv_root" \
         "or in $uv_root"
    skipped+=("ansible-core $core (no Python $wanted)")
    continue
  fi
  echo "compat: ansible-core $core on Python $python ($interpreter), lock tests/locks/compat-ansible-core-$core.txt"
  ran+=("ansible-core $core on Python $python")
  [ "$find_only" = 1 ] && continue
  dir=build/compat-$core-py$python
  # From the real file: a venv made through a symlink breaks when the symlink goes.
  real=$("$interpreter" -c 'import os, sys; print(os.path.realpath(sys.executable))')
  if ! "$dir/bin/python" -c '' 2>/dev/null; then
    "$real" -m venv --clear "$dir" || { failed+=("ansible-core $core: venv"); continue; }
  fi
  # Each leg's lock (make lock) pins every package for the first Python of the leg and those after it.
  lock=tests/locks/compat-ansible-core-$core.txt
  [ -f "$lock" ] || { failed+=("ansible-core $core: no $lock (make lock)"); continue; }
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$lock" \
    || { failed+=("ansible-core $core: pip install -r $lock"); continue; }
  "$dir/bin/python" -m pytest "${tests[@]}" -q -n "${PYTEST_WORKERS:-2}" || failed+=("ansible-core $core on Python $python")
done

verb=ran
if [ "$find_only" = 1 ]; then verb="would run"; fi
echo "compat: $verb ${#ran[@]}, skipped ${#skipped[@]}, failed ${#failed[@]}"
for item in "${skipped[@]}"; do echo "compat:   skipped $item"; done
for item in "${failed[@]}"; do echo "compat:   FAILED $item"; done
if [ ${#failed[@]} -gt 0 ]; then exit 1; fi
if [ ${#ran[@]} -eq 0 ]; then
  echo "compat: no supported Python on this machine for any leg; install one of the Pythons named above"
  exit 1
fi
