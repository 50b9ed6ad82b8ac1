#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: action
short_description: Create, update, build, deploy or delete an Auth0 Action
version_added: 0.1.0
description:
  - Manages one Auth0 Action, found by its exact name among every page of the actions of O(trigger).
  - Creates the action, or updates its draft only when the code, the runtime, the dependencies
    (in any order) or the set of secret names differ. A converged action costs reads only.
  - With O(deploy=true) it waits for the draft's build, fails with every build error Auth0 reports
    (never deploying a failed build, so the deployed version stays in place), deploys, and confirms
    that the new version is the deployed one before returning.
  - With O(deploy=true) the action is compared with its deployed version, which is what runs (when Auth0's
    answer carries its code, as an action read does); when that already has the task's code, runtime and
    dependencies, nothing is written, even if the draft differs (an edit never deployed is left alone).
  - A create answered by a 5xx or a timeout may have happened anyway, so the name is looked up again
    before each retry; a run never leaves two actions of the same name.
  - Bind the action to its trigger with M(sessionguard.auth0.trigger_binding).
author:
  - sessionguard maintainers (@sessionguard)
extends_documentation_fragment:
  - sessionguard.auth0.connection
  - sessionguard.auth0.attributes
options:
  name:
    description:
      - The action's name, matched exactly.
    type: str
    required: true
  trigger:
    description:
      - The trigger the action is for, such as V(post-login). Required when O(state=present).
      - With O(state=absent) it narrows the lookup to the actions of that trigger.
    type: str
  trigger_version:
    description:
      - The version of O(trigger), used when the action is created.
    type: str
    default: v3
  code:
    description:
      - The action's JavaScript source. Mutually exclusive with O(src).
      - One of O(code) and O(src) is required when O(state=present).
    type: str
  src:
    description:
      - Path of a file holding the action's source, read by the module. Tasks against Auth0 run on
        the controller (C(connection=local)), so this is a path on the controller.
      - Mutually exclusive with O(code).
    type: path
  runtime:
    description:
      - The Node.js runtime, such as V(node22) or V(node18).
    type: str
    default: node22
  dependencies:
    description:
      - npm packages the action uses. Their order does not matter.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The package name.
        type: str
        required: true
      version:
        description: The package version.
        type: str
        required: true
  secrets:
    description:
      - The action's secrets. Auth0 never returns secret values, so only the set of names is compared.
      - Leave out to leave the action's secrets alone.
      - A secret on the tenant that is not listed makes the task fail without writing anything,
        unless O(remove_unlisted_secrets=true).
    type: list
    elements: dict
    suboptions:
      name:
        description: The secret's name, as the code reads it from C(event.secrets).
        type: str
        required: true
      value:
        description: The secret's value. Never logged and never returned.
        type: str
        required: true
  update_secrets:
    description:
      - When secret values are sent.
      - V(on_create) sends them when the action is created or when the set of secret names changes
        (a name added or, with O(remove_unlisted_secrets), removed); then every listed value is sent,
        because Auth0 replaces the whole list. A value changed only in the task is not sent.
      - V(always) sends every value on every run. Since values cannot be compared, the task then
        always updates the draft, rebuilds and redeploys the action, and always reports changed.
    type: str
    choices: [on_create, always]
    default: on_create
  remove_unlisted_secrets:
    description:
      - Delete secrets that exist on the action but are not in O(secrets). Without it, such secrets
        make the task fail and nothing is written. With O(secrets) left out, deletes every secret.
    type: bool
    default: false
  deploy:
    description:
      - Build and deploy the draft when it differs from the deployed version, and confirm the deploy.
      - With V(false) the draft is only written; it is not what runs at login until deployed.
    type: bool
    default: true
  build_timeout:
    description:
      - Seconds to wait for the draft's build before failing without deploying. Polls are spaced
        1, 2, 4 seconds and so on, at most 8 seconds apart.
    type: int
    default: 120
  state:
    description:
      - V(absent) deletes the action. A bound action is not deleted unless O(force=true).
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete the action even while bound to a trigger; its bindings go with it.
    type: bool
    default: false
notes:
  - Check mode writes nothing and reports in RV(operations) what would be created, updated, deployed
    or deleted. Diff mode shows a unified diff of the code and the changed runtime, dependencies and
    secret names; secret values never appear in any output.
seealso:
  - module: sessionguard.auth0.trigger_binding
  - name: Auth0 Actions
    description: Auth0's guide to writing and deploying Actions.
    link: https://auth0.com/docs/customize/actions
"""

EXAMPLES = r"""
- name: Deploy the session policy action
  sessionguard.auth0.action:
    domain: acme.eu.auth0.com
    client_id: "{{ vault_auth0_client_id }}"
    client_secret: "{{ vault_auth0_client_secret }}"
    name: session-policy
    trigger: post-login
    src: files/session-policy.js
    runtime: node22
    dependencies:
      - name: lodash
        version: 4.17.21
    secrets:
      - name: API_KEY
        value: "{{ vault_key }}"

- name: Rotate a secret value (redeploys the action on every run)
  sessionguard.auth0.action:
    name: session-policy
    trigger: post-login
    code: "{{ lookup('file', 'session-policy.js') }}"
    secrets:
      - name: API_KEY
        value: "{{ vault_new_key }}"
    update_secrets: always

- name: Delete the action, even while bound
  sessionguard.auth0.action:
    name: session-policy
    state: absent
    force: true
"""

RETURN = r"""
id:
  description: The action's id; null when it does not exist (or would be created in check mode).
  returned: always
  type: str
  sample: 910b5c5e-2f2c-4d3b-8d1e-7b0f3f0b8a51
name:
  description: The action's name.
  returned: always
  type: str
  sample: session-policy
status:
  description: The draft's build status, such as C(built) or C(failed).
  returned: always
  type: str
  sample: built
deployed_version:
  description: The number of the deployed version; null if never deployed.
  returned: always
  type: int
  sample: 3
all_changes_deployed:
  description: Whether the deployed version is the current draft.
  returned: always
  type: bool
  sample: true
operations:
  description:
    - What was done, in order; in check mode what would be done. Empty when nothing changed.
    - On failure, only the operations completed before it.
  returned: always
  type: list
  elements: str
  sample: [update, deploy]
changed_fields:
  description: The draft fields that differed (secret names only, never values).
  returned: always
  type: list
  elements: str
  sample: [code, dependencies]
build_errors:
  description: Every error message of a failed build.
  returned: when the build failed
  type: list
  elements: str
  sample: ["SyntaxError: Unexpected token '}' (line 3)"]
"""

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.sessionguard.auth0.plugins.module_utils._ensure_action import (
    DEFAULT_RUNTIME, DEFAULT_TRIGGER_VERSION, UPDATE_SECRETS, ensure_action)
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import Auth0Module


def read_source(module):
    path = module.params["src"]
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        module.fail_json(msg="src: cannot read %s: %s" % (path, to_native(exc)), changed=False)
    try:
        # Strictly: a lenient decode would send undecodable bytes on as lone surrogates.
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        module.fail_json(msg="src: %s is not UTF-8 text (byte 0x%02x at offset %d); Auth0 Actions are UTF-8 JavaScript"
                         % (path, bytearray(data[exc.start:exc.start + 1])[0], exc.start), changed=False)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        trigger=dict(type="str"),
        trigger_version=dict(type="str", default=DEFAULT_TRIGGER_VERSION),
        code=dict(type="str"),
        src=dict(type="path"),
        runtime=dict(type="str", default=DEFAULT_RUNTIME),
        dependencies=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            version=dict(type="str", required=True),
        )),
        secrets=dict(type="list", elements="dict", no_log=False, options=dict(
            name=dict(type="str", required=True),
            value=dict(type="str", required=True, no_log=True),
        )),
        update_secrets=dict(type="str", choices=list(UPDATE_SECRETS), default="on_create", no_log=False),
        remove_unlisted_secrets=dict(type="bool", default=False, no_log=False),
        deploy=dict(type="bool", default=True),
        build_timeout=dict(type="int", default=120),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
    )
    module = Auth0Module(
        argument_spec=argument_spec,
        mutually_exclusive=[("code", "src")],
        required_if=[("state", "present", ("trigger",)), ("state", "present", ("code", "src"), True)],
    )
    params = module.params
    if params["build_timeout"] <= 0:
        module.fail_json(msg="build_timeout: must be a number of seconds greater than zero; got %s"
                         % params["build_timeout"], changed=False)
    code = params["code"]
    if params["src"] is not None:
        code = read_source(module)

    outcome = ensure_action(
        module.client, params["name"], trigger=params["trigger"], code=code, trigger_version=params["trigger_version"],
        runtime=params["runtime"], dependencies=params["dependencies"], secrets=params["secrets"],
        update_secrets=params["update_secrets"], remove_unlisted_secrets=params["remove_unlisted_secrets"],
        deploy=params["deploy"], state=params["state"], force=params["force"],
        build_timeout=params["build_timeout"], check_mode=module.check_mode)
    result = dict(changed=outcome["changed"], operations=outcome["operations"],
                  changed_fields=outcome["changed_fields"], **outcome["action"])
    if outcome["build_errors"]:
        result["build_errors"] = outcome["build_errors"]
    diff = []
    if outcome["code_diff"]:
        diff.append(dict(prepared=outcome["code_diff"]))
    if outcome["diff"]["before"] or outcome["diff"]["after"]:
        diff.append(dict(outcome["diff"], before_header="%s (current)" % params["name"],
                         after_header="%s (task)" % params["name"]))
    if params["state"] == "absent" and "delete" in outcome["operations"]:
        diff.append(dict(before={"action": params["name"]}, after={}))
    module.finish(result, errors=outcome["errors"], diff=diff)


if __name__ == "__main__":
    main()
