#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tenant_session_info
short_description: Read an Auth0 tenant's session lifetimes and session cookie mode
version_added: 0.1.0
description:
  - Reads the four session lifetimes and the session cookie mode of an Auth0 tenant with one
    C(GET /api/v2/tenants/settings), for audits, drift reports and migrations.
  - Lifetimes are returned in whole minutes and in human form.
  - A tenant may never have set some lifetimes (Auth0 then leaves them out of its answer, seen on
    real tenants for the two non-persistent ones); those are left out of RV(settings) and RV(policy)
    rather than returned empty, so the exported policy never holds an empty value.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes.INFO_MODULE
seealso:
  - module: sessionguard.auth0.tenant_session
"""

EXAMPLES = r"""
- name: Read the session settings for an audit
  sessionguard.auth0.tenant_session_info:
    domain: acme.eu.auth0.com
  register: current

- name: Show the absolute lifetime
  ansible.builtin.debug:
    msg: "Sessions last {{ current.settings.session_lifetime.human | default('(not set)') }}"

- name: Turn a live tenant into a starting session_policy_tenant block
  ansible.builtin.copy:
    dest: group_vars/all/session_policy.yml
    content: "{{ {'session_policy_tenant': current.policy} | to_nice_yaml }}"
    mode: "0644"
"""

RETURN = r"""
settings:
  description: The tenant's session settings.
  returned: success
  type: dict
  contains:
    session_lifetime:
      description: Absolute persistent lifetime, in whole minutes and human form.
      type: dict
      returned: when the tenant has set it
      sample: {"minutes": 10080, "human": "7d"}
    idle_session_lifetime:
      description: Idle persistent lifetime.
      type: dict
      returned: when the tenant has set it
      sample: {"minutes": 4320, "human": "3d"}
    ephemeral_session_lifetime:
      description: Absolute non-persistent lifetime.
      type: dict
      returned: when the tenant has set it
      sample: {"minutes": 4320, "human": "3d"}
    idle_ephemeral_session_lifetime:
      description: Idle non-persistent lifetime.
      type: dict
      returned: when the tenant has set it
      sample: {"minutes": 1440, "human": "1d"}
    cookie_mode:
      description: The session cookie mode; V(persistent), Auth0's default, when the tenant never set one.
      type: str
      returned: success
      sample: persistent
policy:
  description:
    - The same settings in the input form of M(sessionguard.auth0.tenant_session) and of the
      C(session_policy_tenant) variable of the C(sessionguard.auth0.session_policy) role.
    - A lifetime the tenant has not set is omitted (never given as an empty value).
  returned: success
  type: dict
  sample: {"session_lifetime": "7d", "idle_session_lifetime": "3d", "ephemeral_session_lifetime": "3d",
           "idle_ephemeral_session_lifetime": "1d", "cookie_mode": "persistent"}
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._api_client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._auth0_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_settings import (
    as_policy, as_result, read_settings)


def main():
    module = Auth0Module()
    try:
        current = read_settings(module.client)
    except Auth0Error as exc:
        module.finish(dict(changed=False), errors=[str(exc)])
    module.finish(dict(changed=False, settings=as_result(current), policy=as_policy(current)))


if __name__ == "__main__":
    main()
