#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tenant_session
short_description: Set an Auth0 tenant's session lifetimes and session cookie mode
version_added: 0.1.0
description:
  - Sets the four session lifetimes of an Auth0 tenant (absolute and idle, for persistent and
    non-persistent sessions) and the session cookie mode, through the Management API
    C(PATCH /api/v2/tenants/settings).
  - Reads the settings once and writes once, only the fields that differ, so a converged tenant
    costs one read and no write. Options left out are left untouched on the tenant.
  - Lifetimes are compared in whole minutes and sent as the C(*_in_minutes) fields, because the
    API returns fractional hours but refuses them on input.
  - An idle lifetime may not exceed its absolute twin; the tenant's current value is used for a
    twin the task does not set. Auth0 itself does not check this.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  session_lifetime:
    description:
      - Absolute lifetime of a persistent session, counted from login even while the user is active.
      - A duration with units (V(90m), V(36h), V(7d), V(1d12h), V(2w)) or a number of hours, the
        unit the Management API uses (V(168), V(0.5)). Must be a whole number of minutes.
      - At most 365 days on O(plan=enterprise) and 30 days on O(plan=self_service).
    type: raw
  idle_session_lifetime:
    description:
      - Inactivity timeout of a persistent session. Same format as O(session_lifetime).
      - At most 100 days on O(plan=enterprise) and 3 days on O(plan=self_service), and at most
        the absolute lifetime.
    type: raw
  ephemeral_session_lifetime:
    description:
      - Absolute lifetime of a non-persistent session (cookie dropped when the browser closes).
        Same format and limits as O(session_lifetime).
    type: raw
  idle_ephemeral_session_lifetime:
    description:
      - Inactivity timeout of a non-persistent session. Same format and limits as
        O(idle_session_lifetime), and at most O(ephemeral_session_lifetime).
    type: raw
  cookie_mode:
    description:
      - V(persistent) keeps the session cookie across browser restarts; V(non-persistent) drops it
        when the browser closes. A tenant that never set it behaves as V(persistent).
    type: str
    choices: [persistent, non-persistent]
  plan:
    description:
      - The tenant's plan, which decides the documented maximum lifetimes the values are checked
        against before anything is sent. Over these maximums Auth0 silently stores its own cap.
    type: str
    choices: [enterprise, self_service]
    default: enterprise
seealso:
  - module: sessionguard.auth0.tenant_session_info
  - name: Configure session lifetime settings
    description: Auth0's guide to the session lifetime settings.
    link: https://auth0.com/docs/manage-users/sessions/configure-session-lifetime-settings
"""

EXAMPLES = r"""
- name: Enforce tenant session lifetimes
  sessionguard.auth0.tenant_session:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    session_lifetime: 7d
    idle_session_lifetime: 3d
    ephemeral_session_lifetime: 1d
    idle_ephemeral_session_lifetime: 2h
    cookie_mode: non-persistent

- name: Only shorten the idle timeout, in hours as the API counts
  sessionguard.auth0.tenant_session:
    domain: acme.eu.auth0.com
    idle_session_lifetime: 12

- name: Set the connection once for the play
  module_defaults:
    group/sessionguard.auth0.auth0:
      domain: "{{ auth0_domain }}"
      client_id: "{{ vault_auth0_client_id }}"
      client_secret: "{{ vault_auth0_client_secret }}"
  block:
    - name: Shorter sessions on the staging tenant
      sessionguard.auth0.tenant_session:
        session_lifetime: 1d
        idle_session_lifetime: 2h
"""

RETURN = r"""
settings:
  description: The tenant's session settings after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    session_lifetime:
      description: Absolute persistent lifetime, in minutes and in human form.
      type: dict
      returned: when the tenant has it set (or the task sets it)
      sample: {"minutes": 10080, "human": "7d"}
    idle_session_lifetime:
      description: Idle persistent lifetime.
      type: dict
      returned: when the tenant has it set (or the task sets it)
      sample: {"minutes": 4320, "human": "3d"}
    ephemeral_session_lifetime:
      description: Absolute non-persistent lifetime.
      type: dict
      returned: when the tenant has it set (or the task sets it)
      sample: {"minutes": 1440, "human": "1d"}
    idle_ephemeral_session_lifetime:
      description: Idle non-persistent lifetime.
      type: dict
      returned: when the tenant has it set (or the task sets it)
      sample: {"minutes": 120, "human": "2h"}
    cookie_mode:
      description: The session cookie mode.
      type: str
      returned: always
      sample: non-persistent
changed_fields:
  description: The fields that differed and were (or in check mode would be) written.
  returned: always
  type: list
  elements: str
  sample: ["session_lifetime", "cookie_mode"]
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import LIFETIME_FIELDS, PLAN_LIMITS
from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_settings import (
    COOKIE_MODES, ensure_settings, parse_desired)


def main():
    argument_spec = dict((field, dict(type="raw")) for field in LIFETIME_FIELDS)
    argument_spec.update(
        cookie_mode=dict(type="str", choices=list(COOKIE_MODES)),
        plan=dict(type="str", choices=sorted(PLAN_LIMITS), default="enterprise"),
    )
    module = Auth0Module(argument_spec=argument_spec)

    desired, errors = parse_desired(module.params, module.params["plan"])
    module.fail_on(errors)
    outcome = ensure_settings(module.client, desired, module.check_mode)
    if outcome["settings"] is None:
        module.finish(dict(changed=False), errors=outcome["errors"])
    result = dict(changed=outcome["changed"], changed_fields=outcome["changed_fields"], settings=outcome["settings"])
    module.finish(result, errors=outcome["errors"], diff=outcome["diff"])


if __name__ == "__main__":
    main()
