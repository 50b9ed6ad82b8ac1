#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_report
short_description: Build a session policy report and write it as JSON and Markdown on the controller
version_added: 0.2.0
description:
  - Runs on the controller and sends no request.
  - Without O(report), builds the report of the C(sessionguard.auth0.session_policy) role's rollout so far - it is
    the role's report step, run once per batch - from every tenant of the play - the registered result of
    its C(sessionguard.auth0.session_policy) task, or the record of an invalid policy - with a heading, the
    batch, one line per tenant that needs a look and the summary, and returns the plan summary the role prints.
  - With O(report), writes that report (the output of P(sessionguard.auth0.merge_session_policy_reports#filter),
    for example) as it is.
  - With O(path), writes the report as C(<name>.json) and its Markdown as C(<name>.md) in the directory O(path),
    creating it when missing. Each file is replaced in one step, and only when its content differs. It writes
    the files itself instead of through the C(stat) and C(copy) modules, which would start two Python
    interpreters per file (see C(docs/performance.md)).
author:
  - sessionguard maintainers (@sessionguard)
options:
  path:
    description:
      - The directory on the controller for the report files; created (mode C(0755)) when missing.
      - Empty, the report is built and returned, and no file is written.
    type: path
    default: ""
  name:
    description:
      - Base name of the two files, without C(.json) or C(.md). The role's C(session_policy_report_name).
      - A plain file name; a name with C(/) or a name of C(.) or C(..) is refused.
      - The report of an earlier batch in this file supplies the records of tenants outside this run.
    type: str
    default: session-policy-report
  report:
    description:
      - A report to write as it is, instead of building the rollout's.
      - A merged report (with C(slices)) gets the Markdown of a merge, any other the Markdown of a rollout.
    type: dict
  records_from:
    description:
      - Build the report of a read-only playbook (C(sessionguard.auth0.verify_session_policy),
        C(sessionguard.auth0.preview_session_policy)) from each play host's record in this variable, over O(report)
        as its base - the records by tenant, the counts by status (C(summary) in RV(report)) and one line per tenant
        (C(lines)); its Markdown is chosen by the base's C(generated_by).
    type: str
    version_added: 0.2.0
  invalid:
    description:
      - Tenants whose policy the validate step found invalid, each with its errors (the C(invalid) that
        M(sessionguard.auth0.session_policy_render) returns with its C(tenants) option) - the report is of a run that
        stopped before any tenant was touched, these tenants V(invalid), the others not reached.
    type: dict
    version_added: 0.2.0
  batches:
    description:
      - The rollout's stages, as the play's C(serial) (the playbook's C(session_policy_batches)), so that the
        report can say which batch it is. Empty, one canary tenant, then 5, then the rest; one batch in check mode.
    type: raw
attributes:
  check_mode:
    description:
      - Writes nothing in check mode and says whether a file would change.
      - The role runs it with C(check_mode=false), since a report is an artifact of the run, not managed state.
        The report still says whether the play ran in check mode.
    support: full
  diff_mode:
    description: Returns no diff; the report files are artifacts, not managed state.
    support: none
  action:
    description: Runs on the controller, as an action plugin.
    support: full
"""

EXAMPLES = r"""
- name: Build and write the report, as the role does after each batch
  sessionguard.auth0.session_policy_report:
    path: reports
    name: session-policy-report
  run_once: true
  check_mode: false
  changed_when: false
  register: report

- name: Print the plan summary
  ansible.builtin.debug:
    msg: "{{ report.summary }}"
  run_once: true

- name: Write a merged report
  sessionguard.auth0.session_policy_report:
    path: reports
    report: "{{ slice_reports | sessionguard.auth0.merge_session_policy_reports }}"
  check_mode: false
"""

RETURN = r"""
paths:
  description: The two report files, JSON first; empty without O(path).
  returned: always
  type: list
  elements: str
  sample: [reports/session-policy-report.json, reports/session-policy-report.md]
report:
  description:
    - The report written (or built). A rollout's has C(outcome), C(heading), C(batch), C(tenants) (one record per
      tenant - C(tenant), C(domain), C(status), C(differences), C(operations), C(left_in), C(replaced), C(error),
      C(policy), C(reported_at)), C(not_reached), C(earlier), C(summary) and C(lines).
  returned: always
  type: dict
  sample: {outcome: applied, heading: "Every tenant already matched the policy: nothing was written.",
           summary: {tenants: 1, compliant: 1, changed: 0, drifted: 0, failed: 0, invalid: 0, skipped: 0, not_reached: 0}}
summary:
  description: The plan summary the role prints after a batch - the heading, the batch, its tenants' lines, the fleet.
  returned: when the rollout's report is built (no O(report))
  type: list
  elements: str
  sample: ["Drift scan (check mode): nothing was written.", "all tenants: 3 tenants: 1 drifted, 2 compliant",
           "~ dev drifted: settings session_lifetime: \"3d\" -> \"7d\""]
"""
