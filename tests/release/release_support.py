"""Shared by the release tests and their conftest (a module name of its own, unlike conftest)."""
import importlib.util
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)

# The integration harness (run_playbook, connection, the emulator fixture), imported, not copied.
_spec = importlib.util.spec_from_file_location("integration_harness",
                                               os.path.join(ROOT, "tests", "integration", "conftest.py"))
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)


def tool(name):
    """A tool of the venv that runs the tests."""
    path = os.path.join(BIN, name)
    assert os.path.exists(path), "%s is not installed in %s; pip install -r tests/requirements-test.txt" % (name, BIN)
    return path
