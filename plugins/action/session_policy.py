# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs ``session_policy`` in the controller's worker process instead of a Python interpreter of its own.

A module run costs a new interpreter that imports ``requests`` and the module_utils for every
tenant, most of a converged tenant's CPU (docs/performance.md). With a local connection the module
would run on the controller anyway, so this plugin calls the same module_utils directly: the same
argument spec and checks (``_session_policy_task``), the same validator as ``AnsibleModule``, the
same masking of secrets, the same result. Anything else (another connection, ``async``, no
``requests`` on the controller, or ``sessionguard_auth0_run_as_module: true``) runs the module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os

from ansible.module_utils.common.arg_spec import ModuleArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

# Imported here, not in run(): the strategy loads this plugin in the controller's main process,
# so requests and the module_utils are imported once there and every forked worker inherits them.
from ansible_collections.sessionguard.auth0.plugins.module_utils._api_client import HAS_REQUESTS, all_secret_forms
from ansible_collections.sessionguard.auth0.plugins.module_utils._auth0_module import (
    check_connection_params, client_from_params, full_argument_spec, merged_rules, validate_certs_warning)
from ansible_collections.sessionguard.auth0.plugins.module_utils._session_policy_task import (
    ARGUMENT_SPEC, check_options, run_task)

MODULE = "sessionguard.auth0.session_policy"
# Set to true (as a host, group or play variable) to run the module in its own interpreter.
RUN_AS_MODULE_VAR = "sessionguard_auth0_run_as_module"


@contextlib.contextmanager
def _environment(values):
    """The task's ``environment:`` in os.environ while the options are read, as the module would see it."""
    saved = dict((name, os.environ.get(name)) for name in values)
    os.environ.update(dict((str(name), str(value)) for name, value in values.items()))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def _in_process(self, task_vars):
        if self._task.async_val or not HAS_REQUESTS:
            return False
        if self._connection.transport not in ("local", "ansible.builtin.local"):
            return False
        as_module = self._templar.template(task_vars.get(RUN_AS_MODULE_VAR, False))
        return not check_type_bool(as_module)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        if not self._in_process(task_vars):
            return self._run_module(tmp, task_vars)

        environment = {}
        self._compute_environment_string(environment)
        validator = ModuleArgumentSpecValidator(full_argument_spec(ARGUMENT_SPEC), **merged_rules(None))
        with _environment(environment):
            validation = validator.validate(dict(self._task.args))
        params = validation.validated_parameters
        no_log_values = set(validation._no_log_values)  # pylint: disable=protected-access
        result = dict(invocation=dict(module_args=params))
        if validation.error_messages:
            message = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (MODULE, message)
            return self._finish(result, [message], no_log_values)

        desired, errors = check_options(params)
        errors = errors or check_connection_params(params)
        if errors:
            return self._finish(dict(result, changed=False), errors, no_log_values)
        warning = validate_certs_warning(params)
        client = client_from_params(params)
        outcome, errors, diff, warnings = run_task(client, params, desired, bool(self._task.check_mode),
                                                   show_code=Display().verbosity >= 3)
        result.update(outcome)
        warnings = ([warning] if warning else []) + list(warnings)
        if warnings:
            result["warnings"] = warnings
        if self._task.diff:
            result["diff"] = diff
        # A fetched token is not an option, so no validator knows to mask it.
        return self._finish(result, errors, no_log_values | set(client.secrets()))

    def _run_module(self, tmp, task_vars):
        """The module in its own interpreter, exactly as Ansible's normal action would run it."""
        result = super(ActionModule, self).run(tmp, task_vars)
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    @staticmethod
    def _finish(result, errors, no_log_values):
        """Fail on errors and mask every secret, as ``AnsibleModule.exit_json``/``fail_json`` do."""
        if errors:
            result.update(failed=True, msg="; ".join(errors))
        # Also the escaped forms (repr, JSON) a message may quote a secret in, as Auth0Module masks them.
        no_log_values = set(no_log_values) | all_secret_forms(no_log_values)
        # As AnsibleModule does: booleans and None are kept, so `changed: false` is not masked.
        kept = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
        result = remove_values(result, no_log_values)
        result.update(kept)
        return result
