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


def _combine_setting(older, newer, field):
    """One setting written by two slices: the first ``before`` and the last ``after`` when they chain."""
    if field not in older["before"]:
        return newer["before"][field], newer["after"].get(field), None
    if field not in newer["before"]:
        return older["before"][field], older["after"].get(field), None
    if older["after"].get(field) == newer["before"][field]:
        return older["before"][field], newer["after"].get(field), None
    # Someone changed it between the two slices: undo the last slice's write only, never their edit.
    return newer["before"][field], newer["after"].get(field), "settings %s" % field


def _combine_settings(older, newer):
    older = dict(before=dict((older or {}).get("before") or {}), after=dict((older or {}).get("after") or {}))
    newer = dict(before=dict((newer or {}).get("before") or {}), after=dict((newer or {}).get("after") or {}))
    combined, broken = dict(before={}, after={}), []
    for field in sorted(set(older["before"]) | set(newer["before"])):
        before, after, gap = _combine_setting(older, newer, field)
        combined["before"][field], combined["after"][field] = before, after
        broken.extend([gap] if gap else [])
    return combined, broken


def _combine_action(older, newer):
    if not older or not newer:
        return older or newer, []
    if older.get("id") != newer.get("id"):
        return newer, ["action (another Action than the earlier slice's)"]
    if (older.get("after") or {}).get("id") != (newer.get("before") or {}).get("id"):
        return newer, ["action deployed_version"]
    return dict(newer, before=older.get("before")), []


def combine_replaced(older, newer):
    """What two slices' writes to one tenant replaced, as one ``replaced`` for the rollback: ``(replaced, notes)``.

    The oldest ``before`` and the newest ``after`` of each part, so rolling back the merged report undoes
    both writes; a check or retry slice that wrote nothing (``{}``) keeps the earlier slice's record. Where
    the tenant was changed between the two slices, only the later write is undone; ``notes`` names the part.
    """
    older, newer = older or {}, newer or {}
    if not older or not newer:
        return dict(older or newer), []
    combined, notes = {}, []
    if older.get("settings") or newer.get("settings"):
        combined["settings"], broken = _combine_settings(older.get("settings"), newer.get("settings"))
        notes.extend(broken)
    action, broken = _combine_action(older.get("action"), newer.get("action"))
    notes.extend(broken)
    if action:
        combined["action"] = action
    return combined, notes


def _merge_record(earlier, record, name):
    """A tenant's record from a later slice over its earlier one: the later record, with both writes' ``replaced``."""
    merged = dict(record, slice=name)
    if not isinstance(record.get("replaced") or {}, dict):
        raise AnsibleFilterError("merge_session_policy_reports: %s: the record of %s has a replaced that is not a mapping"
                                 % (name, record.get("tenant")))
    if earlier is None:
        return merged
    if earlier.get("domain") != record.get("domain"):
        # Two tenants under one inventory name: one's writes must never be restored into the other.
        merged["replaced_notes"] = ["slices %s and %s reached %s at different domains (%s, %s): only the later "
                                    "slice's record is kept" % (earlier["slice"], name, record.get("tenant"),
                                                                earlier.get("domain"), record.get("domain"))]
        return merged
    replaced, notes = combine_replaced(earlier.get("replaced"), record.get("replaced"))
    if replaced != (record.get("replaced") or {}):
        merged["replaced"] = replaced
        merged["replaced_from"] = sorted(set((earlier.get("replaced_from") or [earlier["slice"]]) + (
            [name] if record.get("replaced") else [])))
    if notes:
        merged["replaced_notes"] = (earlier.get("replaced_notes") or []) + [
            "%s: changed between slices %s and %s; the rollback undoes the later slice's write only"
            % (note, earlier["slice"], name) for note in notes]
    return merged


def merge_session_policy_reports(reports, names=None):
    """Reports of the slices of one run (in the order they were written) -> one report.

    A tenant reported by several slices (overlapping limits) keeps the record of the last one and is
    listed in ``overlaps``; its ``replaced`` combines every slice's (:func:`combine_replaced`), so a later
    check or retry slice does not hide what an applying slice wrote from the rollback, and
    ``replaced_from`` names the slices it comes from. A tenant not reached by one slice but reported by
    another counts as reported.
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
            records[record.get("tenant")] = _merge_record(records.get(record.get("tenant")), record, name)
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
    carried = [record for record in merged["tenants"] if record.get("replaced_from")]
    if carried:
        lines += ["", "What the rollback restores, kept across slices: %s." % "; ".join(
            "%s from %s" % (markdown_cell(record["tenant"]), _names(record["replaced_from"])) for record in carried)]
    notes = ["- %s: %s" % (markdown_cell(record["tenant"]), markdown_cell(note))
             for record in merged["tenants"] for note in record.get("replaced_notes") or []]
    lines += [""] + notes if notes else []
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
