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
  - Everything the restore needs is read before anything is written - the settings, the Action, and the
    version to redeploy (a version that no longer exists fails the task with nothing written) - and the
    recorded values are checked as the modules check a task's own options (O(plan)'s maximums, the cookie
    modes), so a tampered report is refused before any request.
  - With O(report_domain), a record of another tenant (its domain is not O(domain)) is refused before any
    request, even with O(force), and RV(status) is V(other_tenant).
  - Redeploying an earlier version uses C(POST /api/v2/actions/actions/{id}/versions/{versionId}/deploy), which
    creates a new version with the earlier one's content (a recorded real exchange, go-auth0's
    C(TestActionManager_DeployVersion), answers a new id and number with C(deployed=false)), so the module re-reads
    the Action to confirm the redeploy. It sends C(update_draft=true), so the Action's draft becomes the restored
    code too and a later drift scan compares like with like
    (U(https://auth0.com/docs/api/management/v2/actions/post-deploy-draft-version)).
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
      - Never restores another tenant's record (O(report_domain)).
    type: bool
    default: false
  report_domain:
    description:
      - The domain the report recorded for the tenant (the C(domain) of its record). When given, it must name
        the same host as O(domain) (case and a trailing dot aside), else nothing is read or written.
      - An empty value is refused - a record without a domain cannot be told to be this tenant's.
      - Omit it to restore a O(replaced) you checked yourself.
    type: str
  plan:
    description:
      - The tenant's Auth0 plan, whose documented maximum lifetimes the recorded values to restore are
        checked against, as M(sessionguard.auth0.session_policy) checks its own.
    type: str
    choices: [enterprise, self_service]
    default: enterprise
seealso:
  - module: sessionguard.auth0.session_policy
"""

EXAMPLES = r"""
- name: Undo the rollout on one tenant from its report record
  sessionguard.auth0.session_policy_rollback:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    replaced: "{{ record.replaced }}"
    report_domain: "{{ record.domain }}"
  vars:
    record: "{{ (lookup('ansible.builtin.file', 'reports/session-policy-report.json') | from_json).tenants
                | selectattr('tenant', 'equalto', 'acme-prod') | first }}"
"""

RETURN = r"""
status:
  description:
    - V(restored) when something was restored, V(to_restore) when it would be (check mode),
      V(already_restored) when nothing needed it, V(changed_since_report) when the tenant was
      changed after the report and nothing was written, V(other_tenant) when the record is another
      tenant's (O(report_domain)) and nothing was read or written, V(failed) on an error (nothing
      written when something the restore needs is missing, such as the version to redeploy).
  returned: always
  type: str
  sample: restored
restores:
  description:
    - The parts restored (check mode - to be restored), each with C(part), C(field), C(current), C(restore_to) and
      C(left_by_run).
    - The Action's entry also has C(action_id), and C(policy_changes) when both versions are policy Actions of this
      collection - what the redeploy changes, per policy field, each with C(field), C(current) and C(restore_to) (for
      example field C(rules["high-risk logins"].session_lifetime), current C(4h), restore_to C(8h)), as the diff shows
      them.
  returned: always
  type: list
  elements: dict
  sample: [{"part": "settings", "field": "idle_session_lifetime", "current": "1d", "restore_to": "3d", "left_by_run": "1d"}]
conflicts:
  description:
    - The parts changed since the report, in the form of RV(restores); restored only with O(force).
    - For V(other_tenant), one entry with C(part=tenant), C(field=domain), the connection's domain as C(current)
      and the record's as C(restore_to).
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

from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module
from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import PLAN_LIMITS
from ansible_collections.sessionguard.auth0.plugins.module_utils._tenant_restore import check_replaced, restore_policy


def main():
    module = Auth0Module(argument_spec=dict(
        replaced=dict(type="dict", required=True),
        force=dict(type="bool", default=False),
        report_domain=dict(type="str"),
        plan=dict(type="str", choices=sorted(PLAN_LIMITS), default="enterprise"),
    ))
    params = module.params
    module.fail_on(check_replaced(params["replaced"], params["plan"]))
    outcome = restore_policy(module.client, params["replaced"], params["force"], module.check_mode,
                             domain=params["domain"], report_domain=params["report_domain"])
    result = dict((key, outcome[key]) for key in ("changed", "status", "restores", "conflicts", "notes", "operations"))
    module.finish(result, errors=outcome["errors"], diff=outcome["diff"])


if __name__ == "__main__":
    main()
