# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``session_policy_render``: a tenant's policy validated, its expectations checked, its Action rendered.

An action plugin, not filters in a ``set_fact``: the strategy imports this file in the controller's
main process before it forks the workers, so the policy code is imported once, not per tenant, and
no Jinja template has to be compiled per tenant (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._controller_action import ControllerAction
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_prepare import prepare_policy

ARGUMENT_SPEC = dict(
    tenant=dict(type="raw", default={}),
    rules=dict(type="raw", default=[]),
    default=dict(type="raw", default={}),
    plan=dict(type="str", default="enterprise"),
    expectations=dict(type="raw", default=[]),
    name=dict(type="str", default="the policy"),
    rendered=dict(type="bool", default=True),
    tenants=dict(type="list", elements="str"),
)
# The options a tenant's variables give (the role's session_policy_<option>); one it does not set takes the
# option's default, which is the role's too.
POLICY_OPTIONS = ("tenant", "rules", "default", "plan", "expectations")
# What the render step returns only with rendered: the Action and its tests, tens of kilobytes per tenant.
RENDERED_KEYS = ("code", "runtime_tests", "settings", "expectations")


class ActionModule(ControllerAction):

    ARGUMENT_SPEC = ARGUMENT_SPEC

    def run_with(self, result, params):
        if params["tenants"] is not None:
            return self._every_tenant(result, params["tenants"])
        result.update(prepare_policy(params["tenant"], params["rules"], params["default"], params["plan"],
                                     params["expectations"], params["name"]))
        result["changed"] = False
        if not params["rendered"]:
            # A registered result per tenant is held by the controller for the whole run and copied into every
            # forked worker (docs/performance.md): without the Action and its tests it stays small.
            for key in RENDERED_KEYS:
                result.pop(key, None)
        errors = result["errors"]
        if errors:
            result["failed"] = True
            result["msg"] = "The session policy of %s is invalid (%d error%s): %s" % (
                params["name"], len(errors), "" if len(errors) == 1 else "s", "; ".join(errors))
        return result

    def _every_tenant(self, result, tenants):
        """Every tenant's policy in one task, read from its variables: a fleet's validate step as one worker, not
        one per tenant (docs/performance.md). ``invalid`` maps each invalid tenant to its errors."""
        hostvars = self._task_vars["hostvars"]
        invalid = {}
        for tenant in tenants:
            variables = hostvars[tenant]
            values = dict((option, variables.get("session_policy_" + option, ARGUMENT_SPEC[option]["default"]))
                          for option in POLICY_OPTIONS)
            errors = prepare_policy(values["tenant"], values["rules"], values["default"], values["plan"],
                                    values["expectations"], tenant, render=False)["errors"]
            if errors:
                invalid[tenant] = errors
        result.update(changed=False, checked=len(tenants), invalid=invalid)
        return result
