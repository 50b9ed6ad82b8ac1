# -*- coding: utf-8 -*-
"""Test-only callback: every task result as one JSON line, for tests to assert on."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: result_log
type: aggregate
short_description: Write each task result as a JSON line to the file in E(RESULT_LOG)
description: Test harness only; not shipped in the collection.
requirements: [RESULT_LOG environment variable]
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "result_log"
    CALLBACK_NEEDS_ENABLED = False

    def _write(self, result, status):
        path = os.environ.get("RESULT_LOG")
        if not path:
            return
        name = result.task_name if hasattr(result, "task_name") else result._task.get_name()
        if getattr(result._task, "_role", None) is not None and " : " in name:
            # The task's own name: newer ansible-core puts the role's name before it in task_name.
            name = name.split(" : ", 1)[1]
        record = {"task": name,
                  "host": result._host.get_name(), "status": status,
                  "result": self._clean(result._result)}
        with open(path, "a") as handle:
            handle.write(json.dumps(record, default=str) + "\n")

    def _clean(self, data):
        return json.loads(json.dumps(data, default=str))

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._write(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._write(result, "unreachable")
