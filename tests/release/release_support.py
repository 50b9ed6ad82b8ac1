"""Shared by the release tests and their conftest (a module name of its own, unlike conftest)."""
import importlib.util
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)

import harness

_spec = importlib.util.spec_from_file_location("integration_fixtures",
                                               os.path.join(ROOT, "tests", "integration", "conftest.py"))
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

__all__ = ["BIN", "ROOT", "fixtures", "harness", "own_stderr", "tool"]


def tool(name):
    """A tool of the venv that runs the tests."""
    path = os.path.join(BIN, name)
    assert os.path.exists(path), "%s is not installed in %s; make venv (tests/locks/test-venv.txt)" % (name, BIN)
    return path


# A Python warning as warnings.showwarning prints it: "FILE:LINE: CategoryWarning: message", then the
# source line indented.
_PYTHON_WARNING = re.compile(r"^(?P<file>/[^:]+\.py):\d+: (?:\w+\.)*\w*Warning: ")


def own_stderr(stderr, *own_dirs):
    """The lines of a tool's stderr that concern this collection: everything but Python warnings raised
    in files outside own_dirs (a third party's, such as cryptography's deprecations inside ansible-core).
    Ansible's own [WARNING] and [DEPRECATION WARNING] lines are always kept: they speak of our content."""
    own_dirs = tuple(os.path.realpath(d) + os.sep for d in own_dirs)
    kept, lines, i = [], stderr.splitlines(), 0
    while i < len(lines):
        match = _PYTHON_WARNING.match(lines[i])
        if match and not os.path.realpath(match.group("file")).startswith(own_dirs):
            i += 1
            while i < len(lines) and lines[i].startswith(" "):  # the source line warnings prints under it
                i += 1
            continue
        if lines[i].strip():
            kept.append(lines[i])
        i += 1
    return "\n".join(kept)
