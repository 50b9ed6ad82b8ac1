#!/bin/sh
# Render the fixture policies to tests/node/build/*.js, then run the Action tests with Node's own
# test runner. From anywhere: tests/node/run.sh   (PYTHON overrides the interpreter, default .venv/bin/python)
set -eu
cd "$(dirname "$0")/../.."
"${PYTHON:-.venv/bin/python}" tests/node/render_fixture.py
exec node --test tests/node/
