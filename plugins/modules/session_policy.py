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
  - Before every deploy of the draft (written by this run or found built and undeployed), the draft runs on
    Auth0's own runtime (C(POST /api/v2/actions/actions/{id}/test)), once per entry of O(runtime_tests), the first
    O(runtime_test_limit). An answer with an error stops the tenant before the deploy - nothing deployed, no
    setting that lengthens sessions written - with the error's name and message, said to come from Auth0's
    runtime. Check mode and a converged tenant make no test request. See O(runtime_test).
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
      - The Action's code, rendered from the policy with the P(sessionguard.auth0.render_session_action#filter)
        filter; or give the policy itself in O(rules) and O(default) instead, and the task renders it.
      - When omitted, and no O(rules) or O(default) either, only the tenant settings are enforced.
      - Mutually exclusive with O(rules) and O(default).
    type: str
  rules:
    description:
      - The policy's ordered per-login rules, in the role's words (C(session_policy_rules), see the collection's
        docs/policy.md). With O(rules) or O(default), the task validates the whole policy (O(tenant) included),
        checks O(expectations) and renders the Action itself, before any request - one step per tenant.
      - An invalid policy fails the task with every error at once and RV(status=invalid); nothing is sent.
    type: raw
    version_added: 0.2.0
  default:
    description: The policy's default, for a login no rule matches (C(session_policy_default)). See O(rules).
    type: raw
    version_added: 0.2.0
  expectations:
    description:
      - Login cases with the rule and lifetimes each must get (C(session_policy_expectations)), checked on the
        controller with O(rules) and O(default) before any request; an unmet one makes the policy invalid.
    type: raw
    default: []
    version_added: 0.2.0
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
      - A tenant whose only difference is the Action's fixed logic - the same policy data, rendered by another
        collection version (the difference C(action logic), "Action logic of collection X.Y; policy unchanged") - does
        not fail the gate. It is still V(drifted), and a run outside check mode writes it.
    type: bool
    default: false
    version_added: 0.2.0
  runtime_test:
    description:
      - Run the built draft on Auth0's runtime (C(POST /api/v2/actions/actions/{id}/test), scope C(create:actions))
        before every deploy, with the events of O(runtime_tests). V(false) deploys without it.
      - What a successful run answers is not documented by Auth0 (only a failed one was recorded, in the
        collection's C(tests/fixtures/auth0-recorded/go-auth0/TestActionManager_Test.json)). When the answer lists
        the C(api.session) calls in a form the collection reads, they are compared with what explain expects for
        that login and a mismatch fails the tenant; otherwise a test reports C(ran on Auth0's runtime without error)
        and claims nothing more.
    type: bool
    default: true
    version_added: 0.2.0
  runtime_tests:
    description:
      - The tests to run, in order, each C(name), C(event) (a complete Post-Login event) and optionally
        C(expect) (C(rule), C(setExpiresAt) in epoch milliseconds, C(idle_minutes), C(setCookieMode); null for no
        call). The role's render step builds them from the policy's expectations, or with none, one login per
        rule plus one for the default.
      - Empty, one generic login is sent, without an expectation.
    type: list
    elements: dict
    default: []
    version_added: 0.2.0
  runtime_test_limit:
    description:
      - At most this many of O(runtime_tests) run, the first in order; the result's C(runtime_test.summary) says how many of
        how many.
    type: int
    default: 10
  save_plan:
    description:
      - In check mode, also read the tenant's fingerprint (its settings, the deployed version of O(action_name), the
        post-login binding list; three more GETs) and return RV(plan_entry), this tenant's entry of a saved plan. The
        role's C(session_policy_save_plan) writes the entries of every tenant into one plan file.
      - Outside check mode the task fails and writes nothing - a plan is made by a check run.
      - Mutually exclusive with O(apply_plan).
    type: bool
    default: false
    version_added: 0.2.0
  apply_plan:
    description:
      - Path, on the controller, of a saved plan (the JSON file a check run with C(session_policy_save_plan) wrote).
        The task carries out that plan for this tenant and nothing else.
      - The tenant's entry is the one named O(plan_tenant). A tenant the plan has no entry for is not touched, not
        even read - RV(status=not_in_plan).
      - Before any write the task reads the tenant's fingerprint again and compares it, and the policy to apply, with
        the plan's. When anything differs - a setting, the deployed version, the binding list, or a part of the
        policy - the task fails naming each changed field, and nothing is written to the tenant. So does an entry
        whose check failed.
    type: path
    version_added: 0.2.0
  plan_tenant:
    description: The name of this tenant in the saved plan (the role passes its inventory name). Defaults to O(domain).
    type: str
    version_added: 0.2.0
attributes:
  action:
    description:
      - Runs on the controller, as an action plugin, in the worker process - whatever the host's connection, since
        it talks to the Management API, never to the host. There is no module to run in an interpreter of its own -
        that cost an interpreter per tenant (see the collection's docs/performance.md). The variable
        C(sessionguard_auth0_run_as_module) of release 0.1.0 no longer has any effect.
      - Needs the C(requests) Python library on the controller (in the execution environment on AWX).
    support: full
  async:
    description: Not supported; each call it makes has its own O(timeout) instead.
    support: none
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
      V(drifted) when differences were found in check mode, V(invalid) when the policy given in O(rules) and
      O(default) is invalid (nothing was sent), V(failed) on any other error.
    - V(not_in_plan) with O(apply_plan) when the saved plan has no entry for the tenant; nothing was sent.
    - V(skipped) when O(plan=self_service) and O(action_on_self_service=skip) left the Action and binding out
      (RV(skipped_parts)), so no per-login rule is enforced; RV(differences) and RV(operations) still show the
      tenant settings written. Settings drift in check mode stays V(drifted), a failure V(failed).
  returned: always
  type: str
  sample: drifted
policy_hash:
  description: Which policy the tenant got - the same settings and Action code, the same 12 characters (the report's C(policy)).
  returned: when O(rules) or O(default) is given and the policy is valid
  type: str
  sample: 3f9a0c1d2e4b
policy_errors:
  description: Every error of the policy given in O(rules) and O(default), each naming its path.
  returned: when the policy is invalid
  type: list
  elements: str
  sample: ["session_policy_rules[1].session_lifetime: must be a duration such as 8h, 30m or 7d; got '9y'"]
differences:
  description:
    - Every difference found, one per field, in the order settings, action, binding.
    - The Action is judged on its deployed version, which is what logins run. When that is already the policy
      and the draft is not (an edit never deployed), the draft is left alone and reported as one line with
      C(field=draft), C(current="draft differs from the deployed version, not deployed") and C(drift=false);
      it does not make the tenant V(drifted) or V(changed).
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
runtime_test:
  description:
    - The runs of the draft on Auth0's runtime before its deploy (see O(runtime_test)), null when nothing was
      deployed (check mode, a converged tenant, O(runtime_test=false)).
    - C(tested) and C(of) count the tests run and the tests given, C(summary) says it in words, C(results) holds each
      test's C(name) and C(outcome) - C(ran on Auth0's runtime without error), C(ran on Auth0's runtime; its session
      calls are what explain expects), C(mismatch) followed by the differences, or C(error from Auth0's runtime)
      followed by the error's name and message. The tests stop at the first failure.
  returned: always
  type: dict
  sample: {"tested": 2, "of": 2, "summary": "2 of 2 tested on Auth0's runtime",
           "results": [{"name": "admins", "outcome": "ran on Auth0's runtime without error"},
                       {"name": "default", "outcome": "ran on Auth0's runtime without error"}]}
fingerprint:
  description:
    - What the task read before enforcing (C(read) - C(settings) in human form, C(action.deployed_version),
      C(bindings), the post-login flow in order), what it would write (C(desired) - the settings, the Action's
      name, code digest, runtime, display name, position, plan), and one C(digest) of both.
  returned: with O(save_plan) or O(apply_plan), once the tenant was read
  type: dict
  version_added: 0.2.0
plan_entry:
  description:
    - This tenant's entry of a saved plan - C(domain), C(status), C(differences), C(operations), RV(fingerprint)
      and a one-line C(summary).
  returned: with O(save_plan), in check mode
  type: dict
  version_added: 0.2.0
plan_changes:
  description: With O(apply_plan), each field that differs from the saved plan - C(field), C(planned), C(now).
  returned: when the saved plan was refused because the tenant or the policy changed since
  type: list
  elements: dict
  sample: [{"field": "read.settings.session_lifetime", "planned": "7d", "now": "3d"}]
  version_added: 0.2.0
"""
