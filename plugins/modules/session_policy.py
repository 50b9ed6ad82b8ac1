#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy
short_description: Enforce a whole session policy on one Auth0 tenant in one task
version_added: 0.1.0
description:
  - Brings one tenant to a session policy in a single task with a single Management API token -
    the tenant session settings (as M(sessionguard.auth0.tenant_session)), the Post-Login Action
    that applies the per-login rules (created or updated, built and deployed, as
    M(sessionguard.auth0.action)), and its binding in the post-login flow (as
    M(sessionguard.auth0.trigger_binding)).
  - It is what the C(sessionguard.auth0.session_policy) role runs for each tenant. One module run
    per tenant keeps the cost of a fleet run low; a converged tenant costs four requests - a token,
    the settings, the action lookup and the bindings - and no write.
  - Returns one list of differences (field, current, desired) for drift reports.
  - Settings that shorten sessions are written first; settings that lengthen them only after the Action
    is deployed and bound, so no step of a failed run leaves the tenant weaker than before.
  - Another policy Action that this collection generated (found by the header of its deployed code), such
    as the one left by renaming O(action_name), is unbound when the Action is bound, and shows as drift in
    check mode.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  tenant:
    description:
      - The tenant session settings, with the options of M(sessionguard.auth0.tenant_session)
        (V(session_lifetime), V(idle_session_lifetime), V(ephemeral_session_lifetime),
        V(idle_ephemeral_session_lifetime), V(cookie_mode)). Keys left out are left untouched.
    type: dict
    default: {}
  plan:
    description:
      - The tenant's plan, for the documented maximum lifetimes.
      - On V(self_service) the Action part cannot work (see O(action_on_self_service)).
    type: str
    choices: [enterprise, self_service]
    default: enterprise
  action_on_self_service:
    description:
      - What to do with the Action part when O(plan=self_service). The Action's C(api.session.setExpiresAt),
        C(setIdleExpiresAt), C(setCookieMode) and C(event.session.created_at) are Auth0 Enterprise features
        (C(setCookieMode) also Early Access), so on another plan the Action would change no session.
      - V(fail) enforces the tenant settings, then fails the task with a message saying so; the
        tenant is never reported V(compliant).
      - V(skip) enforces the tenant settings only, with a warning, lists the parts left out in RV(skipped_parts) and
        reports RV(status=skipped), never V(compliant) or V(changed), since no per-login rule is enforced.
    type: str
    choices: [fail, skip]
    default: fail
  action_name:
    description: Name of the Post-Login Action that carries the per-login rules.
    type: str
    default: sessionguard-session-policy
  code:
    description:
      - The Action's code, normally rendered from the policy with the
        P(sessionguard.auth0.render_session_action#filter) filter.
      - When omitted, only the tenant settings are enforced.
    type: str
  runtime:
    description: The Action's Node.js runtime.
    type: str
    default: node22
  display_name:
    description: Display name of the binding in the post-login flow. Defaults to O(action_name).
    type: str
  position:
    description:
      - Where the Action runs in the post-login flow, among other teams' Actions, which are kept in their order.
      - V(first), V(last), V(before:<action name>) or V(after:<action name>).
    type: str
    default: last
  build_timeout:
    description: Seconds to wait for the Action's build before failing.
    type: int
    default: 120
  fail_on_drift:
    description:
      - In check mode, fail the task when the tenant differs from the policy (RV(status=drifted)), with a message
        that names every drifted field, its current value and the policy's; a drift gate for CI. The result
        still says V(drifted) and lists the differences. Outside check mode it has no effect.
    type: bool
    default: false
    version_added: 0.2.0
attributes:
  action:
    description:
      - An action plugin of the same name runs the task in the controller's worker process when the
        connection is local, calling the same code with the same options, checks and results. It saves a
        Python interpreter per tenant (see the collection's docs/performance.md).
      - The module runs in its own interpreter instead with another connection, with C(async), when the
        controller's Python lacks C(requests), or when the variable C(sessionguard_auth0_run_as_module) is true.
    support: full
notes:
  - Set the variable C(sessionguard_auth0_run_as_module=true) (host, group, play or extra var) to run the
    module in an interpreter of its own even with a local connection, as release 0.1.0 did.
seealso:
  - module: sessionguard.auth0.tenant_session
  - module: sessionguard.auth0.action
  - module: sessionguard.auth0.trigger_binding
"""

EXAMPLES = r"""
# The role sessionguard.auth0.session_policy does this for a fleet. Validate first: the Action is
# rendered from the validated policy (lifetimes in minutes), never from the raw variables.
- name: Enforce the policy on one tenant
  sessionguard.auth0.session_policy:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    tenant: "{{ policy | sessionguard.auth0.session_policy_settings }}"
    code: "{{ policy | sessionguard.auth0.render_session_action }}"
  vars:
    policy: >-
      {{ {'tenant': {'session_lifetime': '30d', 'idle_session_lifetime': '3d'},
          'rules': [{'name': 'high-risk logins', 'match': {'risk_confidence': ['low']},
                     'session_lifetime': '8h', 'idle_session_lifetime': '30m'}],
          'default': {'session_lifetime': '7d', 'idle_session_lifetime': '1d'}}
         | sessionguard.auth0.validate_session_policy }}
"""

RETURN = r"""
status:
  description:
    - V(compliant) when nothing differed, V(changed) when differences were written,
      V(drifted) when differences were found in check mode.
    - V(skipped) when O(plan=self_service) and O(action_on_self_service=skip) left the Action and binding out
      (RV(skipped_parts)), so no per-login rule is enforced; RV(differences) and RV(operations) still show the
      tenant settings written. Settings drift in check mode stays V(drifted), a failure V(failed).
  returned: always
  type: str
  sample: drifted
differences:
  description: Every difference found, one per field, in the order settings, action, binding.
  returned: always
  type: list
  elements: dict
  sample: [{"part": "settings", "field": "idle_session_lifetime", "current": "3d", "desired": "1d"},
           {"part": "action", "field": "code", "current": "deployed version 3", "desired": "new code"},
           {"part": "binding", "field": "position", "current": ["other"], "desired": ["other", "sessionguard-session-policy"]}]
settings:
  description: The tenant session settings after the run (predicted in check mode), as M(sessionguard.auth0.tenant_session) returns them.
  returned: always
  type: dict
action:
  description: The Action after the run, as M(sessionguard.auth0.action) returns it (id, name, status, deployed_version, all_changes_deployed).
  returned: when O(code) is set
  type: dict
skipped_parts:
  description: The parts left out because O(plan=self_service) and O(action_on_self_service=skip).
  returned: always
  type: list
  elements: str
  sample: ["action", "binding"]
left_in:
  description:
    - In a few words, the state the run left the tenant in - V(policy applied), V(policy already applied),
      C(tenant settings applied) or C(tenant settings already applied) followed by why no rule is enforced
      (the Action skipped),
      V(unchanged (check mode)), C(unchanged) followed by why nothing was written, or, after a failure
      part-way, what was done and which lifetimes were not lengthened.
    - Settings that lengthen sessions are written only after the Action is deployed and bound, so a run
      that fails part-way never leaves a session longer than before.
  returned: always
  type: str
  sample: >-
    partly applied, no session longer than before: done update settings; not lengthened until the Action
    is deployed and bound: session_lifetime (stays 7d, the policy wants 30d)
operations:
  description: What was (in check mode, would be) done, in order.
  returned: always
  type: list
  elements: str
  sample: ["update settings", "update action", "deploy action", "bind action"]
replaced:
  description:
    - What the run replaced, for the C(sessionguard.auth0.rollback_session_policy) playbook to restore. Empty in check mode
      and when nothing was written.
    - C(settings) holds C(before) and C(after) of each written setting, in human form; C(action) holds the Action's
      C(id) and C(name), and C(before) and C(after), the deployed versions' C(id) and C(number) (C(before) is null
      when the run created the Action).
  returned: always
  type: dict
  sample: {"settings": {"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "1d"}},
           "action": {"id": "2b4c...", "name": "sessionguard-session-policy",
                      "before": {"id": "8f0e...", "number": 3}, "after": {"id": "c41a...", "number": 4}}}
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._auth0_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._session_policy_task import (
    ARGUMENT_SPEC, check_options, run_task)


def main():
    module = Auth0Module(argument_spec=ARGUMENT_SPEC)
    desired, errors = check_options(module.params)
    module.fail_on(errors)
    show_code = module._verbosity >= 3
    result, errors, diff, warnings = run_task(module.client, module.params, desired, module.check_mode, show_code)
    for warning in warnings:
        module.warn(warning)
    module.finish(result, errors=errors, diff=diff)


if __name__ == "__main__":
    main()
