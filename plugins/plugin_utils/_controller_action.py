# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the collection's controller-only actions (``session_policy_render``, ``session_policy_report``).

Not a public API. They send no request and open no connection: whatever the host's connection, they
run in the controller's worker, and their options are checked against ``ARGUMENT_SPEC``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _requires_connection = False
    ARGUMENT_SPEC = {}

    def run(self, tmp=None, task_vars=None):
        result = super(ControllerAction, self).run(tmp, task_vars)
        self._task_vars = task_vars or {}
        dummy, params = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
        return self.run_with(result, params)

    def run_with(self, result, params):
        """The action's own work on the validated ``params``; returns ``result``, updated."""
        raise NotImplementedError
