# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``session_policy_report``: the role's report, built and written on the controller.

An action plugin: it reads every tenant's record from the play (the registered ``session_policy`` results),
builds the report with plugin_utils/_rollout_report.py and writes its files itself, where
``ansible.builtin.template`` would start the ``stat`` and ``copy`` modules in new interpreters for every
file (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import tempfile

from ansible.errors import AnsibleActionFail

from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _rollout_report
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._controller_action import ControllerAction

ARGUMENT_SPEC = dict(
    path=dict(type="path", default=""),
    name=dict(type="str", default="session-policy-report"),
    report=dict(type="dict"),
    batches=dict(type="raw"),
    records_from=dict(type="str"),
    invalid=dict(type="dict"),
)
FILE_MODE = 0o644
DIR_MODE = 0o755
# The role's variables the rollout report reads, per tenant: a record set as a fact, else the session_policy
# task's registered result.
RECORD_VAR = "session_policy_record"
RESULT_VAR = "session_policy__result"


def check_name(name):
    """The base name must stay inside ``path``: no separator, no ``..``, no NUL."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        return ("name: must be a plain file name without '/' (the report is written inside path), got %s"
                % json.dumps(name))
    return None


def report_files(path, name, report):
    """``[(file path, text)]``: the report as indented JSON with sorted keys, and as Markdown."""
    as_json = json.dumps(report, indent=4, sort_keys=True, separators=(",", ": "))
    return [(os.path.join(path, name + ".json"), as_json + "\n"),
            (os.path.join(path, name + ".md"), _rollout_report.markdown(report))]


def _current(file_path):
    try:
        with open(file_path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _previous(file_path):
    """The report an earlier batch or run left, or ``{}``: it only supplies earlier records and times."""
    data = _current(file_path)
    try:
        previous = json.loads(data.decode("utf-8")) if data else {}
    except ValueError:
        return {}
    return previous if isinstance(previous, dict) else {}


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


def play_records(hostvars, hosts, batch, previous, now):
    """Every reached tenant's record: this batch's stamped now, earlier batches' keep their first time."""
    reported_before = dict((r.get("tenant"), r.get("reported_at")) for r in previous.get("tenants") or [])
    records = []
    for host in hosts:
        tenant = hostvars[host]
        if RECORD_VAR in tenant:
            records.append(tenant[RECORD_VAR])
        elif RESULT_VAR in tenant:
            connection = tenant.get("session_policy_connection") or {}
            domain = connection.get("domain") or tenant.get("session_policy_domain") or ""
            reported_at = now if host in batch or not reported_before.get(host) else reported_before[host]
            records.append(_rollout_report.tenant_record(host, tenant[RESULT_VAR], domain, reported_at))
    return records


class ActionModule(ControllerAction):

    ARGUMENT_SPEC = ARGUMENT_SPEC

    def run_with(self, result, params):
        problem = check_name(params["name"])
        if problem:
            raise AnsibleActionFail(problem)
        path, name = params["path"], params["name"]
        report = params["report"]
        if params["records_from"]:
            report = self._records_report(params["records_from"], report or {})
        elif report is None:
            report = self._rollout_report(os.path.join(path, name + ".json") if path else None, params["batches"],
                                          params["invalid"] or {})
            result["summary"] = _rollout_report.plan_summary(
                report, self._task_vars["ansible_play_batch"], os.path.join(path, name + ".md") if path else None)
        result.update(report=report, changed=False, paths=[])
        if not path:
            return result
        files = [(file_path, text.encode("utf-8")) for file_path, text in report_files(path, name, report)]
        stale = [(file_path, data) for file_path, data in files if _current(file_path) != data]
        result.update(changed=bool(stale), paths=[file_path for file_path, dummy in files])
        if stale and not self._task.check_mode:
            try:
                if not os.path.isdir(path):
                    os.makedirs(path, DIR_MODE)
                for file_path, data in stale:
                    write_atomically(file_path, data)
            except (IOError, OSError) as exc:
                raise AnsibleActionFail("path: cannot write the session policy report in %s: %s" % (path, exc.strerror or exc))
        return result

    def _records_report(self, name, base):
        """The report of a read-only playbook: each play host's record in the variable ``name``."""
        hostvars, task_vars = self._task_vars["hostvars"], self._task_vars
        records = [hostvars[host][name] for host in task_vars["ansible_play_hosts_all"] if name in hostvars[host]]
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return _rollout_report.records_report(base, records, now, bool(task_vars.get("ansible_check_mode")))

    def _rollout_report(self, json_path, batches, invalid):
        task_vars = self._task_vars
        check_mode = bool(task_vars.get("ansible_check_mode"))
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        play = _rollout_report.Play(
            hosts=list(task_vars["ansible_play_hosts_all"]), batch=list(task_vars["ansible_play_batch"]),
            all_hosts=list(task_vars["groups"]["all"]), check_mode=check_mode,
            batches=_rollout_report.rollout_batches(batches, check_mode),
            pattern=task_vars.get("session_policy_hosts") or "all", limit=task_vars.get("ansible_limit") or "", now=now)
        previous = _previous(json_path) if json_path else {}
        if invalid:
            # The validate step found these (session_policy_render with tenants): no tenant was reached.
            records = [_rollout_report.invalid_record(tenant, errors, now) for tenant, errors in sorted(invalid.items())]
        else:
            records = play_records(task_vars["hostvars"], sorted(play.hosts), set(play.batch), previous, now)
        return _rollout_report.rollout_report(play, records, previous)
