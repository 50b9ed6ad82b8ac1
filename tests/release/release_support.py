"""Shared by the release tests and their conftest (a module name of its own, unlike conftest)."""
import importlib.util
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)

import harness

_spec = importlib.util.spec_from_file_location("integration_fixtures",
                                               os.path.join(ROOT, "tests", "integration", "conftest.py"))
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

__all__ = ["BIN", "ROOT", "fixtures", "harness", "tool"]


def tool(name):
    """A tool of the venv that runs the tests."""
    path = os.path.join(BIN, name)
    assert os.path.exists(path), "%s is not installed in %s; pip install -r tests/requirements-test.txt" % (name, BIN)
    return path
