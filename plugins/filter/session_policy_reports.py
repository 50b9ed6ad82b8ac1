# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the role's report files: merge the reports of several slices, render the merge as Markdown.

Documentation: merge_session_policy_reports.yml and session_policy_report_markdown.yml next to this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.filter.markdown import markdown_cell

# Every status a tenant record of the role's report can have (its summary counts the same ones).
STATUSES = ("compliant", "changed", "drifted", "failed", "invalid")


def _summary(tenants, not_reached):
    summary = dict((status, sum(1 for t in tenants if t.get("status") == status)) for status in STATUSES)
    summary.update(tenants=len(tenants) + len(not_reached), not_reached=len(not_reached))
    return summary


def merge_session_policy_reports(reports, names=None):
    """Reports of the slices of one run (in the order they were written) -> one report.

    A tenant reported by several slices (overlapping limits) keeps the record of the last one and is
    listed in ``overlaps``; a tenant not reached by one slice but reported by another counts as reported.
    """
    if not isinstance(reports, list) or not reports:
        raise AnsibleFilterError("merge_session_policy_reports: expects a non-empty list of session policy reports")
    names = list(names or [])
    if names and len(names) != len(reports):
        raise AnsibleFilterError("merge_session_policy_reports: names must have one name per report (%d names, %d reports)"
                                 % (len(names), len(reports)))
    records, slices, overlaps, not_reached = {}, [], [], []
    for index, report in enumerate(reports):
        name = names[index] if names else "slice %d" % (index + 1)
        if not isinstance(report, dict) or not isinstance(report.get("tenants"), list):
            raise AnsibleFilterError("merge_session_policy_reports: %s is not a session policy report (no tenants list)"
                                     % name)
        for record in report["tenants"]:
            if record.get("tenant") in records and record.get("tenant") not in overlaps:
                overlaps.append(record.get("tenant"))
            records[record.get("tenant")] = dict(record, slice=name)
        not_reached.extend(report.get("not_reached") or [])
        slices.append(dict(name=name, check_mode=bool(report.get("check_mode")),
                           tenants=sorted(r.get("tenant") for r in report["tenants"]),
                           not_reached=sorted(report.get("not_reached") or [])))
    tenants = [records[name] for name in sorted(records)]
    not_reached = sorted(set(n for n in not_reached if n not in records))
    modes = set(s["check_mode"] for s in slices)
    return dict(generated_by="sessionguard.auth0.merge_session_policy_reports",
                check_mode=modes == set([True]), mixed_modes=len(modes) > 1, slices=slices,
                overlaps=sorted(overlaps), tenants=tenants, not_reached=not_reached,
                summary=_summary(tenants, not_reached))


def _names(names):
    return ", ".join(markdown_cell(name) for name in names)


def session_policy_report_markdown(merged):
    """A merged report -> its Markdown: what each slice covered, then one row per tenant."""
    if not isinstance(merged, dict) or "slices" not in merged:
        raise AnsibleFilterError("session_policy_report_markdown: expects the output of merge_session_policy_reports")
    lines = ["# Session policy report (%d slices merged)" % len(merged["slices"]), ""]
    if merged.get("mixed_modes"):
        lines.append("Some slices ran in check mode and some applied: see each slice's mode below.")
    else:
        lines.append("Check mode (drift scan): nothing was written." if merged["check_mode"] else "Applied.")
    lines += ["", "| slice | mode | tenants | not reached |", "|---|---|---|---|"]
    for part in merged["slices"]:
        mode = "check" if part["check_mode"] else "apply"
        lines.append("| %s | %s | %s | %s |" % (markdown_cell(part["name"]), mode, _names(part["tenants"]),
                                                _names(part["not_reached"])))
    if merged.get("overlaps"):
        lines += ["", "Reported by more than one slice (the last slice's record is kept): %s."
                  % _names(merged["overlaps"])]
    lines += ["", "| tenant | slice | status | differences | error |", "|---|---|---|---|---|"]
    for record in merged["tenants"]:
        # Each value escaped on its own, as the role's Markdown template does, so the markup between stays.
        differences = "<br>".join("%s `%s`: %s → %s" % tuple(markdown_cell(value) for value in (
            d.get("part"), d.get("field"), json.dumps(d.get("current")), json.dumps(d.get("desired"))))
            for d in record.get("differences") or [])
        cells = [markdown_cell(record.get(key)) for key in ("tenant", "slice", "status")]
        cells += [differences, markdown_cell(record.get("error"))]
        lines.append("| %s |" % " | ".join(cells))
    for name in merged["not_reached"]:
        lines.append("| %s | | not reached | | |" % markdown_cell(name))
    summary = merged["summary"]
    lines += ["", "**Summary:** %d tenant%s: %s, %d not reached." % (
        summary["tenants"], "" if summary["tenants"] == 1 else "s",
        ", ".join("%d %s" % (summary[status], status) for status in STATUSES), summary["not_reached"])]
    return "\n".join(lines) + "\n"


class FilterModule(object):
    def filters(self):
        return {
            "merge_session_policy_reports": merge_session_policy_reports,
            "session_policy_report_markdown": session_policy_report_markdown,
        }
