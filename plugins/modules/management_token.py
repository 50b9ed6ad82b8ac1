#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: management_token
short_description: Get one Auth0 Management API token for the tasks that follow
version_added: 0.1.0
description:
  - Exchanges client credentials for a Management API access token, so that the following tasks
    pass it as O(token) instead of each fetching their own.
  - Machine-to-machine tokens are a metered quota on many Auth0 plans; fetch one per tenant per run.
  - "The result holds the token: always set C(no_log: true) on this task."
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
attributes:
  check_mode:
    description: A token is fetched in check mode too, since it writes nothing and later tasks need it to read.
    support: full
  diff_mode:
    description: Nothing to diff.
    support: none
  action_group:
    description: Use C(group/sessionguard.auth0.auth0) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sessionguard.auth0.auth0
"""

EXAMPLES = r"""
- name: One token for this tenant's tasks
  sessionguard.auth0.management_token:
    domain: "{{ auth0_domain }}"
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
  register: auth0_token
  no_log: true

- name: Use it
  sessionguard.auth0.tenant_session:
    domain: "{{ auth0_domain }}"
    token: "{{ auth0_token.access_token }}"
    session_lifetime: 7d
"""

RETURN = r"""
access_token:
  description: The Management API access token. Keep it out of logs with C(no_log).
  returned: success
  type: str
"""


from ansible_collections.sessionguard.auth0.plugins.module_utils._client import Auth0Error
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module


def main():
    module = Auth0Module()
    client = module.client
    try:
        token = client.token
    except Auth0Error as exc:
        module.fail_json(msg=str(exc))
    # The token is this module's product, so it is returned; the task's no_log keeps it from output.
    module.exit_json(changed=False, access_token=token)


if __name__ == "__main__":
    main()
