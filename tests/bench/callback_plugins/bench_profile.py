# -*- coding: utf-8 -*-
"""Bench-only callback: wall time of each task (first start to last result), as JSON in E(BENCH_PROFILE)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_profile
type: aggregate
short_description: Write each task's wall time and host count to the JSON file in E(BENCH_PROFILE)
description: Benchmark harness only (tests/bench); not shipped in the collection.
requirements: [BENCH_PROFILE environment variable]
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_profile"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.started = time.time()
        self.tasks = []
        self.current = None

    def _start(self, task):
        now = time.time()
        if self.current is not None:
            self.current["end"] = max(self.current["end"], self.current["start"])
        self.current = {"task": task.get_name(), "start": now, "end": now, "ok": 0, "skipped": 0, "failed": 0}
        self.tasks.append(self.current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _result(self, kind):
        if self.current is not None:
            self.current[kind] += 1
            self.current["end"] = time.time()

    def v2_runner_on_ok(self, result):
        self._result("ok")

    def v2_runner_on_skipped(self, result):
        self._result("skipped")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result("failed")

    def v2_runner_on_unreachable(self, result):
        self._result("failed")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_PROFILE")
        if not path:
            return
        ended = time.time()
        tasks = []
        for index, task in enumerate(self.tasks):
            # A task's wall time runs until the next task starts (linear strategy).
            until = self.tasks[index + 1]["start"] if index + 1 < len(self.tasks) else ended
            tasks.append(dict(task, wall=round(until - task["start"], 3)))
        with open(path, "w") as handle:
            json.dump({"started": self.started, "ended": ended, "tasks": tasks}, handle)
