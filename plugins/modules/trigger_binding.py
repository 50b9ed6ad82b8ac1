#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: trigger_binding
short_description: Bind an Auth0 Action to a trigger, in a given place, keeping every other binding
version_added: 0.1.0
description:
  - Places one action in the ordered list of actions bound to a trigger (its flow), or removes it,
    or with O(bindings) sets the whole list.
  - Reads every page of the trigger's bindings and writes only when the action is missing, out of
    place or has another display name. Auth0 replaces the whole list on each write, so the write
    sends every other binding back, in its order.
  - Two writers can cross and lose each other's change. After writing, the list is read again; when
    the change was lost, it is made again over the current list and written again (a few times, after a
    short random wait). Two playbooks binding different actions at the same moment both end up bound.
  - Refuses to bind an action that has never been deployed, and writes nothing. In check mode a
    missing or never-deployed action only warns, since an earlier task of the same run would have
    created and deployed it, and the binding is predicted.
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  trigger:
    description:
      - The trigger, such as V(post-login).
    type: str
    required: true
  action:
    description:
      - The action to bind or unbind, by name or id.
      - Required unless O(bindings) is given; mutually exclusive with it.
    type: str
  display_name:
    description:
      - The binding's display name. Defaults to the action's name.
    type: str
  position:
    description:
      - Where the action runs in the flow. V(first) and V(last) are the ends of the list;
        V(before:<action name>) and V(after:<action name>) are satisfied anywhere before or after that
        action, and otherwise place it right next to it.
      - Other bindings keep their order.
    type: str
    default: last
  bindings:
    description:
      - The whole flow, in execution order. Replaces the trigger's bindings exactly, removing any
        binding not listed. V([]) removes every binding.
      - Mutually exclusive with O(action), O(display_name) and O(position).
    type: list
    elements: dict
    suboptions:
      action:
        description: The action's name or id.
        type: str
        required: true
      display_name:
        description: The binding's display name. Defaults to the action's name.
        type: str
  state:
    description:
      - V(absent) removes O(action)'s binding and keeps the others.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode writes nothing and reports the list the trigger would have. Diff mode shows the
    ordered action names before and after.
seealso:
  - module: sessionguard.auth0.action
  - name: Auth0 Actions triggers
    description: Auth0's guide to Actions triggers and flows.
    link: https://auth0.com/docs/customize/actions/explore-triggers
"""

EXAMPLES = r"""
- name: Run the session policy last at login
  sessionguard.auth0.trigger_binding:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    trigger: post-login
    action: session-policy
    display_name: Session policy

- name: Run it before another team's action
  sessionguard.auth0.trigger_binding:
    trigger: post-login
    action: session-policy
    position: before:add-roles

- name: Own the whole post-login flow
  sessionguard.auth0.trigger_binding:
    trigger: post-login
    bindings:
      - action: mfa-policy
      - action: session-policy
        display_name: Session policy

- name: Unbind the action
  sessionguard.auth0.trigger_binding:
    trigger: post-login
    action: session-policy
    state: absent
"""

RETURN = r"""
bindings:
  description: The trigger's bindings after the run, in execution order (predicted in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: The action's name.
      type: str
      returned: always
    action_id:
      description: The action's id.
      type: str
      returned: always
    display_name:
      description: The binding's display name.
      type: str
      returned: always
    id:
      description: The binding's id; null for a binding that would be created in check mode.
      type: str
      returned: always
  sample: [{"action": "session-policy", "action_id": "910b5c5e-...", "display_name": "Session policy", "id": "6d1c..."}]
operations:
  description: What was (in check mode, would be) written, one of C(bind), C(move), C(rename), C(unbind), C(replace).
  returned: always
  type: list
  elements: str
  sample: [bind]
writes:
  description: How many times the list was written; more than one when another writer crossed this one.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_binding import ensure_binding
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module


def main():
    argument_spec = dict(
        trigger=dict(type="str", required=True),
        action=dict(type="str"),
        display_name=dict(type="str"),
        position=dict(type="str", default="last"),
        bindings=dict(type="list", elements="dict", options=dict(
            action=dict(type="str", required=True),
            display_name=dict(type="str"),
        )),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    module = Auth0Module(
        argument_spec=argument_spec,
        mutually_exclusive=[("action", "bindings"), ("display_name", "bindings")],
        required_one_of=[("action", "bindings")],
    )
    params = module.params
    if params["bindings"] is not None and params["position"] != "last":
        module.fail_json(msg="parameters are mutually exclusive: position|bindings", changed=False)
    if params["bindings"] is not None and params["state"] == "absent":
        module.fail_json(msg="bindings: only with state present; bindings: [] removes every binding", changed=False)

    outcome = ensure_binding(module.client, params["trigger"], action=params["action"], display_name=params["display_name"],
                             position=params["position"], bindings=params["bindings"], state=params["state"],
                             check_mode=module.check_mode)
    for warning in outcome["warnings"]:
        module.warn(warning)
    result = dict(changed=outcome["changed"], operations=outcome["operations"], bindings=outcome["bindings"],
                  writes=outcome["writes"])
    diff = dict(outcome["diff"], before_header="%s bindings" % params["trigger"],
                after_header="%s bindings" % params["trigger"])
    module.finish(result, errors=outcome["errors"], diff=diff)


if __name__ == "__main__":
    main()
