#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: session_policy_report
short_description: Write a session policy report as JSON and Markdown on the controller
version_added: 0.2.0
description:
  - Runs on the controller and sends no request. Writes O(report) as C(<name>.json) and O(markdown) as
    C(<name>.md) in the directory O(path), creating it when missing. Each file is replaced in one step, and only
    when its content differs.
  - It is the report step of the C(sessionguard.auth0.session_policy) role, which builds the report from every
    tenant's result and runs this once per batch. It writes the files itself instead of through the C(stat) and
    C(copy) modules, which would start two Python interpreters per file (see C(docs/performance.md)).
author:
  - sessionguard maintainers (@sessionguard)
options:
  path:
    description: The directory on the controller for the report files; created (mode C(0755)) when missing.
    type: path
    required: true
  name:
    description:
      - Base name of the two files, without C(.json) or C(.md). The role's C(session_policy_report_name).
      - A plain file name; a name with C(/) or a name of C(.) or C(..) is refused.
    type: str
    default: session-policy-report
  report:
    description: The report data, written as indented JSON with sorted keys.
    type: dict
    required: true
  markdown:
    description: The report as Markdown text, written as it is, ending in one newline.
    type: str
    required: true
attributes:
  check_mode:
    description:
      - Writes nothing in check mode and says whether a file would change.
      - The role runs it with C(check_mode=false), since a report is an artifact of the run, not managed state.
    support: full
  diff_mode:
    description: Returns no diff; the report files are artifacts, not managed state.
    support: none
  action:
    description: Runs on the controller, as an action plugin.
    support: full
"""

EXAMPLES = r"""
- name: Write the report, as the role does
  sessionguard.auth0.session_policy_report:
    path: reports
    name: session-policy-report
    report: "{{ session_policy__report }}"
    markdown: "{{ lookup('ansible.builtin.template', 'session-policy-report.md.j2') }}"
  run_once: true
  check_mode: false
  changed_when: false
"""

RETURN = r"""
paths:
  description: The two report files, JSON first.
  returned: always
  type: list
  elements: str
  sample: [reports/session-policy-report.json, reports/session-policy-report.md]
"""
