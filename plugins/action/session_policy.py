# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``session_policy``: the task, run in the controller's worker process. Its only implementation.

The task talks to Auth0's Management API, never to the host, so it needs no interpreter of its own: a
module run would start one that imports ``requests`` and the module_utils for every tenant, most of a
converged tenant's CPU (docs/performance.md). The module file holds its documentation only.

It validates its options as ``AnsibleModule`` does, through ansible-core's public argument spec validator,
with the connection options' ``AUTH0_*`` fallbacks read from the task's ``environment`` over the
controller's. The ansible-core API it leans on beyond that is ``ActionBase``'s own, each used once here and
pinned by tests/unit/plugins/action/test_session_policy.py: ``_compute_environment_string`` (the task's
environment, templated, as a module would receive it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback, remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# Imported here, not in run(): the strategy loads this plugin in the controller's main process,
# so requests and the module_utils are imported once there and every forked worker inherits them.
from ansible_collections.sessionguard.auth0.plugins.module_utils._client import HAS_REQUESTS, all_secret_forms
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import (
    check_connection_params, client_from_params, full_argument_spec, merged_rules, validate_certs_warning)
from ansible_collections.sessionguard.auth0.plugins.module_utils._task_session_policy import (
    ARGUMENT_SPEC, check_options, policy_given, run_task)
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_prepare import prepare_policy

MODULE = "sessionguard.auth0.session_policy"
BULKY_OPTIONS = ("rules", "default", "expectations", "runtime_tests", "code")


def with_environment(spec, environment):
    """``spec`` with each ``env_fallback`` reading ``environment`` (the task's) before the controller's own:
    what a module started with that environment would see."""
    def fallback(*names):
        for name in names:
            if name in environment:
                return environment[name]
        return env_fallback(*names)
    spec = dict((name, dict(option)) for name, option in spec.items())
    for option in spec.values():
        if option.get("fallback") and option["fallback"][0] is env_fallback:
            option["fallback"] = (fallback, option["fallback"][1])
    return spec


def secret_values(spec, params):
    """The values of the ``no_log`` options, as AnsibleModule collects them to mask."""
    return set(str(params[name]) for name, option in spec.items() if option.get("no_log") and params.get(name))


def prepared_policy(params, name):
    """The policy the task got in its own words, validated, checked and rendered; no request: ``prepare_policy``'s
    answer (``code``, ``policy_hash``, ``runtime_tests``), whose ``errors`` are the policy's (``status: invalid``)."""
    if params.get("code") is not None or params.get("runtime_tests"):
        return dict(errors=["code, runtime_tests, rules, default: give the policy (rules, default) or its rendered "
                            "code and tests, not both"])
    return prepare_policy(params["tenant"], params.get("rules") or [], params.get("default") or {},
                          params["plan"], params["expectations"], name)


def masked(result, errors, secrets):
    """Fail on errors and mask every secret, in the escaped forms a message may quote it in too (repr, JSON).
    Booleans and None are kept, as AnsibleModule keeps them, so ``changed: false`` is not masked."""
    if errors:
        result.update(failed=True, msg="; ".join(errors))
    kept = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
    result = remove_values(result, all_secret_forms(secrets))
    result.update(kept)
    return result


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if not HAS_REQUESTS:
            return dict(result, failed=True, msg=missing_required_lib("requests"))
        environment = {}
        self._compute_environment_string(environment)
        spec = with_environment(full_argument_spec(ARGUMENT_SPEC), environment)
        validation = ArgumentSpecValidator(spec, **merged_rules(None)).validate(dict(self._task.args))
        params = validation.validated_parameters
        secrets = secret_values(spec, params)
        # The policy and its tests stay out of the echo of the options: they are the inventory's own, and every
        # tenant's result is held by the controller for the whole run (docs/performance.md).
        result["invocation"] = dict(module_args=dict((k, v) for k, v in params.items() if k not in BULKY_OPTIONS))
        if validation.error_messages:
            message = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (MODULE, message)
            return masked(result, [message], secrets)

        host = (task_vars or {}).get("inventory_hostname")
        if policy_given(params):
            prepared = prepared_policy(params, host)
            errors = prepared["errors"]
            if errors:
                # Before any request: an invalid policy is reported as such, never half applied.
                return masked(dict(result, changed=False, status="invalid", policy_errors=errors,
                                   left_in="unchanged: the policy is invalid, nothing was sent"),
                              ["The session policy of %s is invalid (%d error%s): %s" % (
                                  host, len(errors), "" if len(errors) == 1 else "s", "; ".join(errors))], secrets)
            params = dict(params, code=prepared["code"], runtime_tests=prepared["runtime_tests"])
            result["policy_hash"] = prepared["policy_hash"]
        desired, errors = check_options(params)
        errors = errors or check_connection_params(params)
        if errors:
            return masked(dict(result, changed=False), errors, secrets)
        warning = validate_certs_warning(params)
        client = client_from_params(params)
        outcome, errors, diff, warnings = run_task(client, params, desired, bool(self._task.check_mode),
                                                   show_code=Display().verbosity >= 3, host=host)
        result.update(outcome)
        warnings = ([warning] if warning else []) + list(warnings)
        if warnings:
            result["warnings"] = warnings
        if self._task.diff:
            result["diff"] = diff
        # A fetched token is not an option, so no validator knows to mask it.
        return masked(result, errors, secrets | set(client.secrets()))
