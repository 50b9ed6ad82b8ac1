# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``session_policy_report``: the role's report files, written on the controller.

An action plugin, not ``ansible.builtin.template``: that writes each file through the ``stat`` and
``copy`` modules, each packed and started in a Python interpreter of its own, which cost a staged
rollout more than a second of controller CPU per batch (docs/performance.md). Here the files are
written by the worker itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.errors import AnsibleActionFail

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._controller_action import ControllerAction

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    name=dict(type="str", default="session-policy-report"),
    report=dict(type="dict", required=True),
    markdown=dict(type="str", required=True),
)
FILE_MODE = 0o644
DIR_MODE = 0o755


def check_name(name):
    """The base name must stay inside ``path``: no separator, no ``..``, no NUL."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        return ("name: must be a plain file name without '/' (the report is written inside path), got %s"
                % json.dumps(name))
    return None


def report_files(path, name, report, markdown):
    """``[(file path, text)]``: the JSON as the role's earlier template wrote it, and the Markdown."""
    as_json = json.dumps(report, indent=4, sort_keys=True, separators=(",", ": "))
    return [(os.path.join(path, name + ".json"), as_json + "\n"),
            (os.path.join(path, name + ".md"), markdown.rstrip("\n") + "\n")]


def _current(file_path):
    try:
        with open(file_path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_atomically(file_path, data):
    """Replace the file in one step, so that a reader (or a CI artifact upload) never sees half a report."""
    directory = os.path.dirname(file_path)
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(file_path), dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, file_path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class ActionModule(ControllerAction):

    ARGUMENT_SPEC = ARGUMENT_SPEC

    def run_with(self, result, params):
        problem = check_name(params["name"])
        if problem:
            raise AnsibleActionFail(problem)
        files = [(file_path, text.encode("utf-8"))
                 for file_path, text in report_files(params["path"], params["name"], params["report"], params["markdown"])]
        stale = [(file_path, data) for file_path, data in files if _current(file_path) != data]
        result.update(changed=bool(stale), paths=[file_path for file_path, dummy in files])
        if stale and not self._task.check_mode:
            try:
                if not os.path.isdir(params["path"]):
                    os.makedirs(params["path"], DIR_MODE)
                for file_path, data in stale:
                    write_atomically(file_path, data)
            except (IOError, OSError) as exc:
                raise AnsibleActionFail("path: cannot write the session policy report in %s: %s"
                                        % (params["path"], exc.strerror or exc))
        return result
