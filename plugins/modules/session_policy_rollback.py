#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_rollback
short_description: Undo a session policy rollout on one Auth0 tenant
version_added: 0.2.0
description:
  - Restores what a run of M(sessionguard.auth0.session_policy) replaced on one tenant, from the
    RV(sessionguard.auth0.session_policy#module:replaced) it returned (the C(replaced) of the tenant's
    record in the role's C(session-policy-report.json)) - the tenant settings' previous values, and the
    previously deployed version of the Action, deployed again. The binding is kept as it is.
  - Each part is restored only when it is still as the run left it. A part already back at its
    previous state is left alone, so a second rollback writes nothing. When a part is neither
    (someone changed the tenant after the report), nothing at all is written to the tenant and
    RV(status) is V(changed_since_report), unless O(force) is set.
  - Redeploying an earlier version uses C(POST /api/v2/actions/actions/{id}/versions/{versionId}/deploy), which
    auth0-python describes as creating a new deployed version identical to the earlier one. No real exchange of it
    is recorded, so the module re-reads the Action to confirm the redeploy. It sends no C(update_draft), so the
    Action's draft keeps the undone code.
  - It is what the C(sessionguard.auth0.rollback_session_policy) playbook runs for each tenant.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  replaced:
    description:
      - What the run to undo replaced on this tenant, as RV(sessionguard.auth0.session_policy#module:replaced)
        returns it - C(settings) with C(before) and C(after), and C(action) with C(id), C(name), C(before)
        and C(after).
    type: dict
    required: true
  force:
    description:
      - Restore the parts someone changed since the report too, overwriting their edit.
    type: bool
    default: false
seealso:
  - module: sessionguard.auth0.session_policy
"""

EXAMPLES = r"""
- name: Undo the rollout on one tenant from its report record
  sessionguard.auth0.session_policy_rollback:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    replaced: "{{ (lookup('ansible.builtin.file', 'reports/session-policy-report.json') | from_json).tenants
                  | selectattr('tenant', 'equalto', 'acme-prod') | map(attribute='replaced') | first }}"
"""

RETURN = r"""
status:
  description:
    - V(restored) when something was restored, V(to_restore) when it would be (check mode),
      V(already_restored) when nothing needed it, V(changed_since_report) when the tenant was
      changed after the report and nothing was written, V(failed) on an error.
  returned: always
  type: str
  sample: restored
restores:
  description: The parts restored (check mode - to be restored), each with C(part), C(field), C(current), C(restore_to) and C(left_by_run).
  returned: always
  type: list
  elements: dict
  sample: [{"part": "settings", "field": "idle_session_lifetime", "current": "1d", "restore_to": "3d", "left_by_run": "1d"}]
conflicts:
  description: The parts changed since the report, in the form of RV(restores); restored only with O(force).
  returned: always
  type: list
  elements: dict
notes:
  description: Parts that cannot be restored and why, such as an Action the run created.
  returned: always
  type: list
  elements: str
operations:
  description: What was (in check mode, would be) done.
  returned: always
  type: list
  elements: str
  sample: ["restore action", "restore settings"]
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._auth0_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._policy_restore import check_replaced, restore_policy


def main():
    module = Auth0Module(argument_spec=dict(
        replaced=dict(type="dict", required=True),
        force=dict(type="bool", default=False),
    ))
    module.fail_on(check_replaced(module.params["replaced"]))
    outcome = restore_policy(module.client, module.params["replaced"], module.params["force"], module.check_mode)
    result = dict((key, outcome[key]) for key in ("changed", "status", "restores", "conflicts", "notes", "operations"))
    module.finish(result, errors=outcome["errors"], diff=outcome["diff"])


if __name__ == "__main__":
    main()
