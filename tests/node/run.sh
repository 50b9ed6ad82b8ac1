#!/bin/sh
# Render the fixture policies to tests/node/build/*.js, run the Action tests with Node's own test
# runner, then the differential test (the Python evaluator against the rendered Action, in Node).
# From anywhere: tests/node/run.sh   (PYTHON overrides the interpreter, default .venv/bin/python)
set -eu
cd "$(dirname "$0")/../.."
"${PYTHON:-.venv/bin/python}" tests/node/render_fixture.py
node --test tests/node/
exec "${PYTHON:-.venv/bin/python}" -m pytest tests/node -q -s -p no:cacheprovider
