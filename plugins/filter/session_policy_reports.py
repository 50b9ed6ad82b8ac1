# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the role's report files: merge the reports of several slices, render a report as Markdown.

The report itself is built in plugin_utils/_rollout_report.py; these filters expose it to playbooks.
Documentation: merge_session_policy_reports.yml, session_policy_report_markdown.yml and session_policy_batches.yml
next to this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _rollout_report


def merge_session_policy_reports(reports, names=None):
    """Reports of the slices of one run (in the order they were written) -> one report."""
    try:
        return _rollout_report.merge_reports(reports, names)
    except _rollout_report.ReportError as exc:
        raise AnsibleFilterError("merge_session_policy_reports: %s" % exc)


def session_policy_report_markdown(report):
    """A report (the role's, or a merge of several) -> its Markdown."""
    if not isinstance(report, dict) or not ("slices" in report or "heading" in report):
        raise AnsibleFilterError("session_policy_report_markdown: expects a session policy report "
                                 "or the output of merge_session_policy_reports")
    return _rollout_report.markdown(report)


def session_policy_batches(batches, check_mode=False):
    """The shipped playbook's ``serial``: ``batches`` (session_policy_batches), or the default stages; every
    tenant at once in check mode. The report counts batches with the same function."""
    return _rollout_report.rollout_batches(batches, check_mode)


class FilterModule(object):
    def filters(self):
        return {
            "merge_session_policy_reports": merge_session_policy_reports,
            "session_policy_report_markdown": session_policy_report_markdown,
            "session_policy_batches": session_policy_batches,
        }
