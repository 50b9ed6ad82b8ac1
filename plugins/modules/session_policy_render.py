#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_render
short_description: Validate a session policy, check its expectations and render its Post-Login Action
version_added: 0.2.0
description:
  - Runs on the controller and sends no request. Validates a session policy (tenant settings, ordered
    per-login rules and a default), checks the expected outcomes given for it, and renders the Post-Login
    Action code that M(sessionguard.auth0.session_policy) deploys.
  - It is the validate step of the C(sessionguard.auth0.session_policy) role (C(tasks_from=validate)), run once
    for the whole fleet with O(tenants). The filters P(sessionguard.auth0.validate_session_policy#filter),
    P(sessionguard.auth0.check_session_policy_expectations#filter) and P(sessionguard.auth0.render_session_action#filter)
    do the same work one value at a time; this action
    does it in one step, which costs a large fleet much less controller CPU (see C(docs/performance.md)).
  - Errors name the role's variables (for example C(session_policy_rules[1].session_lifetime)), as the filters do.
  - An empty or invalid policy, or an expectation the policy does not meet, fails the task and lists every
    error in RV(errors), one per line. With C(failed_when) on RV(errors) a play can print and record them itself,
    as the role does.
author:
  - sessionguard maintainers (@sessionguard)
options:
  tenant:
    description:
      - The tenant session settings, with the options of M(sessionguard.auth0.tenant_session). The role's
        C(session_policy_tenant).
    type: raw
    default: {}
  rules:
    description:
      - The ordered per-login rules; the first that matches a login applies. The role's C(session_policy_rules).
      - See C(docs/policy.md) for the keys of a rule.
    type: raw
    default: []
  default:
    description: What a login that no rule matches gets. The role's C(session_policy_default).
    type: raw
    default: {}
  plan:
    description: The tenant's plan, for the documented maximum lifetimes. The role's C(session_policy_plan).
    type: str
    default: enterprise
  expectations:
    description:
      - Expected outcomes, C({name, login, expect}) each, checked against the policy before anything is sent.
        The role's C(session_policy_expectations).
    type: raw
    default: []
  name:
    description: The tenant's name in expectation failures, usually C(inventory_hostname).
    type: str
    default: the policy
  tenants:
    description:
      - Validate the policy of each of these inventory hosts instead, in this one task, from the role's variables
        of each (C(session_policy_tenant), C(session_policy_rules), C(session_policy_default), C(session_policy_plan),
        C(session_policy_expectations)) - the shipped playbook's validate step, run once for the fleet.
      - Returns RV(checked) and RV(invalid), never fails on an invalid policy, and ignores the other options.
    type: list
    elements: str
    version_added: 0.2.0
  rendered:
    description:
      - Return the rendered Action and its tests (RV(code), RV(runtime_tests), RV(settings), RV(expectations)).
      - V(false) returns the verdict only (RV(errors), RV(policy_hash)), for a play that registers the result of every
        tenant before a M(sessionguard.auth0.session_policy) task that renders the policy again itself - a fleet's
        results are held by the controller for the whole run. The role's validate step uses O(tenants) instead.
    type: bool
    default: true
    version_added: 0.2.0
attributes:
  check_mode:
    description: Sends no request and writes nothing, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so it returns no diff.
    support: N/A
  action:
    description: Runs on the controller, as an action plugin.
    support: full
"""

EXAMPLES = r"""
- name: Validate the policy and render its Action, as the role does
  sessionguard.auth0.session_policy_render:
    tenant: {session_lifetime: 30d, idle_session_lifetime: 3d, ephemeral_session_lifetime: 1d,
             idle_ephemeral_session_lifetime: 8h}
    rules:
      - name: shared kiosks
        match: {client_id: [kiosk-client-id]}
        cookie_mode: non-persistent
    default: {session_lifetime: 7d, idle_session_lifetime: 1d}
    expectations:
      - name: a kiosk login is non-persistent
        login: {client: kiosk-client-id}
        expect: {rule: shared kiosks, cookie_mode: non-persistent}
    name: "{{ inventory_hostname }}"
  register: rendered

- name: Enforce it
  sessionguard.auth0.session_policy:
    domain: acme.eu.auth0.com
    tenant: "{{ rendered.settings }}"
    code: "{{ rendered.code }}"
"""

RETURN = r"""
checked:
  description: How many tenants O(tenants) named.
  returned: with O(tenants)
  type: int
  sample: 120
invalid:
  description: Each tenant of O(tenants) whose policy is empty or invalid, with every error.
  returned: with O(tenants)
  type: dict
  sample: {acme-dev: ["session_policy_default.session_lifetime: has unknown unit 'x'"]}
errors:
  description: Every error of the policy and of its expectations, one line each; empty when all is well.
  returned: without O(tenants)
  type: list
  elements: str
  sample: ["session_policy_default.session_lifetime: has unknown unit 'x'"]
code:
  description: The Post-Login Action code that enforces the per-login rules; empty when there are errors.
  returned: with O(rendered=true)
  type: str
  sample: "// Generated by sessionguard.auth0 ..."
settings:
  description: The tenant settings as given, for M(sessionguard.auth0.session_policy)'s O(sessionguard.auth0.session_policy#module:tenant).
  returned: with O(rendered=true)
  type: dict
  sample: {session_lifetime: 30d, idle_session_lifetime: 3d}
policy_hash:
  description: Twelve characters that name this policy (its settings and Action code); the role's report shows it per tenant.
  returned: without O(tenants)
  type: str
  sample: 3f2a9c01b7de
expectations:
  description: The expectations that passed, each with the rule that answered it.
  returned: with O(rendered=true)
  type: list
  elements: dict
  sample: [{name: a kiosk login is non-persistent, rule: shared kiosks}]
runtime_tests:
  description:
    - The tests for M(sessionguard.auth0.session_policy)'s O(sessionguard.auth0.session_policy#module:runtime_tests) - one
      per expectation, in order, or with none, one login per rule plus one for the default - each C(name), C(event) (a
      complete Post-Login event) and C(expect) (the rule, C(setExpiresAt), C(idle_minutes) and C(setCookieMode) explain
      expects for that event). Empty when there are errors.
  returned: with O(rendered=true)
  type: list
  elements: dict
  sample: [{name: a kiosk login is non-persistent, event: {client: {client_id: kiosk-client-id}},
            expect: {rule: shared kiosks, setExpiresAt: 1709373600000, idle_minutes: 480, setCookieMode: non-persistent}}]
  version_added: 0.2.0
"""
