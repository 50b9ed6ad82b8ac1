# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The session policy report: records, batches, headings, the merge of slices, and the Markdown.

Not a public API. One module for every report the collection writes: the role's, per batch (through the
``session_policy_report`` action), the merge of a run's slices (the ``merge_session_policy_reports``
filter and playbook), and the rollback's. Plain values in, plain values out: no Ansible object, so it is
unit-tested without a playbook run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from collections import namedtuple

from ansible.utils.helpers import pct_to_int

from ansible_collections.sessionguard.auth0.plugins.module_utils._differences import difference_text
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._markdown import markdown_cell

# Every status a tenant's record can have, in the order the counts name them.
STATUSES = ("invalid", "failed", "drifted", "skipped", "not_in_plan", "changed", "compliant")
# The shipped playbook's stages when session_policy_batches is not set: one canary, five, the rest.
DEFAULT_BATCHES = (1, 5, "100%")
NOT_REACHED_LEFT_IN = "unknown: the task failed before it reached the tenant"

# What a batch's report needs of the play: the tenants, this batch, the mode and the stages.
Play = namedtuple("Play", "hosts batch all_hosts check_mode batches pattern limit now")


def rollout_batches(batches, check_mode):
    """The play's ``serial``: every tenant at once in check mode (a scan writes nothing), else the stages."""
    if check_mode:
        return ["100%"]
    return list(batches) if batches else list(DEFAULT_BATCHES)


def batch_ends(batches, total):
    """Where each batch ends, as a count of tenants: ansible-core's cut of ``serial`` over ``total`` hosts
    (the last size repeats; a percentage rounds down, to at least one)."""
    ends, done, index = [], 0, 0
    while done < total:
        item = batches[min(index, len(batches) - 1)] if batches else "100%"
        size = pct_to_int(item, total)
        done = total if size <= 0 else min(done + size, total)
        ends.append(done)
        index += 1
    return ends


def tenant_record(tenant, result, domain, reported_at):
    """A tenant's record from its ``session_policy`` task result.

    A failed task is ``failed``, except the drift gate (``fail_on_drift``), which fails with the status
    ``drifted``, and an invalid policy (``invalid``: nothing was sent); any other error is ``failed``.
    """
    status = result.get("status") or "failed"
    if result.get("failed") and status not in ("drifted", "invalid"):
        status = "failed"
    args = (result.get("invocation") or {}).get("module_args") or {}
    record = dict(tenant=tenant, domain=args.get("domain") or domain or "", status=status,
                  differences=result.get("differences") or [], operations=result.get("operations") or [],
                  left_in=result.get("left_in") or NOT_REACHED_LEFT_IN, replaced=result.get("replaced") or {},
                  error=(result.get("msg") or "failed") if status in ("failed", "invalid") else "",
                  policy=result.get("policy_hash") or "", reported_at=reported_at)
    if status == "invalid" and result.get("policy_errors"):
        record["errors"] = list(result["policy_errors"])
    return record


def invalid_record(tenant, errors, reported_at):
    """The record of a tenant whose policy the validate step refused: nothing was sent to any tenant."""
    return dict(tenant=tenant, domain="", status="invalid", differences=[], operations=[],
                left_in="unchanged: the policy is invalid, no tenant was touched", replaced={},
                error="; ".join(errors), errors=list(errors), policy="", reported_at=reported_at)


def plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def counts(records, missing=0):
    """``3 tenants: 1 failed, 2 compliant``, statuses in STATUSES order, then the tenants not reached."""
    parts = ["%d %s" % (n, status) for status, n in
             ((status, sum(1 for r in records if r.get("status") == status)) for status in STATUSES) if n]
    if missing:
        parts.append("%d not reached" % missing)
    text = plural(len(records) + missing, "tenant")
    return text + (": " + ", ".join(parts) if parts else "")


def summary(records, not_reached):
    numbers = dict((status, sum(1 for r in records if r.get("status") == status)) for status in STATUSES)
    numbers.update(tenants=len(records) + len(not_reached), not_reached=len(not_reached))
    return numbers


def console_lines(records):
    """One line per tenant that needs a look: ``~`` changed or drifted, ``!`` failed or invalid."""
    lines = []
    for record in records:
        if record["status"] not in ("invalid", "failed", "drifted", "changed", "skipped"):
            continue
        if record["status"] == "invalid" and record.get("errors"):
            # Every error of the policy on a line of its own, each naming its path.
            lines.extend("! %s invalid: %s" % (record["tenant"], error) for error in record["errors"])
            continue
        details = [record["error"]] if record.get("error") else []
        if record["status"] == "skipped" and record.get("left_in"):
            details.append(record["left_in"])
        details += [difference_text(d) for d in record.get("differences") or []]
        mark = "~" if record["status"] in ("changed", "drifted") else "!"
        lines.append("%s %s %s: %s" % (mark, record["tenant"], record["status"], "; ".join(details)))
    return lines


def earlier_records(previous, play_hosts, all_hosts):
    """What an earlier report said of tenants outside this run (a --limit run), once each, kept as they were."""
    earlier, seen = [], set()
    for old in (previous.get("tenants") or []) + (previous.get("earlier") or []):
        tenant = old.get("tenant")
        if tenant in play_hosts or tenant not in all_hosts or tenant in seen:
            continue
        seen.add(tenant)
        earlier.append(dict(old, reported_at=old.get("reported_at") or previous.get("generated_at") or ""))
    return earlier


def _batch_label(play, reached, invalid):
    ends = batch_ends(play.batches, len(play.hosts))
    batch = ends.index(reached) + 1 if reached in ends else 0
    if invalid:
        label = "validation"
    elif batch == 1 and ends[0] == 1 and len(ends) > 1:
        label = "canary"
    elif len(ends) == 1:
        label = "all tenants"
    else:
        label = "batch %d of %d" % (batch, len(ends)) if batch else "this batch"
    return label, len(ends)


def _heading(play, numbers, label):
    this_batch = "the canary" if label == "canary" else label
    if numbers["invalid"]:
        return "invalid", ("Stopped before any tenant was touched: the session policy of %s is invalid."
                           % plural(numbers["invalid"], "tenant"))
    if play.check_mode:
        return "checked", "Drift scan (check mode): nothing was written."
    if numbers["failed"] and numbers["not_reached"]:
        return "stopped", "Stopped after %s failed: %s not reached." % (this_batch, plural(numbers["not_reached"], "tenant"))
    if numbers["failed"]:
        return "failed", "Applied, but %s failed." % plural(numbers["failed"], "tenant")
    if numbers["not_reached"]:
        return "in progress", "In progress: %s is done; %s not reached yet." % (this_batch, plural(numbers["not_reached"], "tenant"))
    # A rerun that found every tenant as the policy wants must not read as if it wrote again.
    if numbers["changed"]:
        return "applied", "Applied to every tenant."
    return "applied", "Every tenant already matched the policy: nothing was written."


def run_outcome(numbers):
    """What CI reads without parsing prose: ``failed`` (a tenant failed or its policy is invalid), else ``drifted``
    (a scan found a difference), else ``compliant`` (every reached tenant matches the policy, now or after this
    run's writes). The exit code stays ansible-playbook's; this tells drift from breakage."""
    if numbers["failed"] or numbers["invalid"]:
        return "failed"
    return "drifted" if numbers["drifted"] else "compliant"


def rollout_report(play, records, previous):
    """The report of a rollout so far: this run's records, the tenants not reached yet, and the records an
    earlier report (``previous``) left for tenants outside this run."""
    records = sorted(records, key=lambda r: r["tenant"])
    reached = set(r["tenant"] for r in records)
    not_reached = sorted(h for h in play.hosts if h not in reached)
    numbers = summary(records, not_reached)
    label, batches = _batch_label(play, len(records), numbers["invalid"])
    progress, heading = _heading(play, numbers, label)
    if numbers["skipped"]:
        # Not "the policy": on these tenants no per-login rule runs at all.
        heading += (" On %s only the tenant settings are enforced: the Action was skipped "
                    "(action_on_self_service: skip), so no per-login rule runs there." % plural(numbers["skipped"], "tenant"))
    batch = set(play.batch)
    return {
        "generated_by": "sessionguard.auth0.session_policy", "generated_at": play.now,
        "check_mode": play.check_mode, "outcome": run_outcome(numbers), "progress": progress, "heading": heading,
        "hosts": play.pattern, "limit": play.limit,
        "batch": label, "batch_summary": counts([r for r in records if r["tenant"] in batch]), "batches": batches,
        "policies": sorted(set(r["policy"] for r in records if r.get("policy"))),
        "tenants": records, "not_reached": not_reached,
        "earlier": earlier_records(previous, set(play.hosts), set(play.all_hosts)),
        "summary": numbers, "summary_text": counts(records, len(not_reached)),
        "lines": console_lines(records),
    }


def plan_summary(report, batch, report_file=None):
    """The lines the role prints after a batch: the heading, this batch, its tenants' lines, the fleet."""
    batch = set(batch)
    lines = [report["heading"], "%s: %s" % (report["batch"], report["batch_summary"])]
    lines += [line for line in report["lines"] if line.split(" ", 2)[1] in batch]
    if report["batches"] != 1:
        lines.append("fleet: " + report["summary_text"])
    if report_file:
        lines.append("report: " + report_file)
    return lines


# -- merging the reports of a run's slices --------------------------------------------------------------


class ReportError(ValueError):
    """A report that cannot be merged: the message says which and why."""


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
        raise ReportError("%s: the record of %s has a replaced that is not a mapping" % (name, record.get("tenant")))
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


def merge_reports(reports, names=None):
    """Reports of the slices of one run (in the order they were written) -> one report.

    A tenant reported by several slices (overlapping limits) keeps the record of the last one and is
    listed in ``overlaps``; its ``replaced`` combines every slice's (:func:`combine_replaced`), so a later
    check or retry slice does not hide what an applying slice wrote from the rollback, and
    ``replaced_from`` names the slices it comes from. A tenant not reached by one slice but reported by
    another counts as reported.
    """
    if not isinstance(reports, list) or not reports:
        raise ReportError("expects a non-empty list of session policy reports")
    names = list(names or [])
    if names and len(names) != len(reports):
        raise ReportError("names must have one name per report (%d names, %d reports)" % (len(names), len(reports)))
    records, slices, overlaps, not_reached = {}, [], [], []
    for index, report in enumerate(reports):
        name = names[index] if names else "slice %d" % (index + 1)
        if not isinstance(report, dict) or not isinstance(report.get("tenants"), list):
            raise ReportError("%s is not a session policy report (no tenants list)" % name)
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
    numbers = summary(tenants, not_reached)
    return dict(generated_by="sessionguard.auth0.merge_session_policy_reports", outcome=run_outcome(numbers),
                check_mode=modes == set([True]), mixed_modes=len(modes) > 1, slices=slices,
                overlaps=sorted(overlaps), tenants=tenants, not_reached=not_reached,
                summary=numbers, summary_text=counts(tenants, len(not_reached)))


# -- Markdown ------------------------------------------------------------------------------------------


def differences_cell(differences):
    """A record's differences as one Markdown cell; each value escaped on its own, so the markup between stays."""
    return "<br>".join("%s `%s`: %s → %s" % tuple(markdown_cell(value) for value in (
        d.get("part"), d.get("field"), json.dumps(d.get("current")), json.dumps(d.get("desired"))))
        for d in differences or [])


def _row(*cells):
    return "| %s |" % " | ".join(cells)


def _names(names):
    return ", ".join(markdown_cell(name) for name in names)


def rollout_markdown(report):
    """A rollout's report (the role's, a rollback's) as Markdown: the heading, one row per tenant, the summary,
    earlier runs' tenants. Keys a report lacks are left out, so a report passed in by hand renders too."""
    tenants, not_reached = report.get("tenants") or [], report.get("not_reached") or []
    lines = ["# %s" % report.get("title", "Session policy report"), "", "**%s**" % report.get("heading", ""), ""]
    if report.get("generated_at"):
        limit = ", --limit `%s`" % report["limit"] if report.get("limit") else ""
        lines.append("%s; hosts `%s`%s;" % (report["generated_at"], report.get("hosts", "all"), limit))
        lines += ["policy %s." % (", ".join(report.get("policies") or []) or "not rendered"), ""]
    lines += ["| tenant | status | differences | error |", "|---|---|---|---|"]
    for record in tenants:
        error = markdown_cell(record.get("error") or "")
        if record.get("status") in ("failed", "invalid", "skipped") and record.get("left_in"):
            error += "<br>Left in: " + markdown_cell(record["left_in"])
        lines.append(_row(markdown_cell(record.get("tenant")), markdown_cell(record.get("status")),
                          differences_cell(record.get("differences")), error))
    lines += [_row(markdown_cell(name), "not reached", "", "") for name in not_reached]
    lines += ["", "**Summary:** %s." % report.get("summary_text", counts(tenants, len(not_reached)))]
    if report.get("earlier"):
        lines += ["", "## Tenants outside this run", "", "As an earlier run left them; this run did not look at them.", "",
                  "| tenant | status | reported at | differences | error |", "|---|---|---|---|---|"]
        for record in sorted(report["earlier"], key=lambda r: r.get("tenant") or ""):
            lines.append(_row(markdown_cell(record.get("tenant")), markdown_cell(record.get("status")),
                              markdown_cell(record.get("reported_at") or ""), differences_cell(record.get("differences")),
                              markdown_cell(record.get("error") or "")))
    return "\n".join(lines) + "\n"


def merged_markdown(merged):
    """A merged report as Markdown: what each slice covered, then one row per tenant."""
    lines = ["# Session policy report (%d slices merged)" % len(merged["slices"]), ""]
    if merged.get("mixed_modes"):
        lines.append("Some slices ran in check mode and some applied: see each slice's mode below.")
    else:
        lines.append("Check mode (drift scan): nothing was written." if merged["check_mode"] else "Applied.")
    lines += ["", "| slice | mode | tenants | not reached |", "|---|---|---|---|"]
    for part in merged["slices"]:
        lines.append(_row(markdown_cell(part["name"]), "check" if part["check_mode"] else "apply",
                          _names(part["tenants"]), _names(part["not_reached"])))
    if merged.get("overlaps"):
        lines += ["", "Reported by more than one slice (the last slice's record is kept): %s." % _names(merged["overlaps"])]
    carried = [record for record in merged["tenants"] if record.get("replaced_from")]
    if carried:
        lines += ["", "What the rollback restores, kept across slices: %s." % "; ".join(
            "%s from %s" % (markdown_cell(record["tenant"]), _names(record["replaced_from"])) for record in carried)]
    notes = ["- %s: %s" % (markdown_cell(record["tenant"]), markdown_cell(note))
             for record in merged["tenants"] for note in record.get("replaced_notes") or []]
    lines += [""] + notes if notes else []
    lines += ["", "| tenant | slice | status | differences | error |", "|---|---|---|---|---|"]
    for record in merged["tenants"]:
        lines.append(_row(markdown_cell(record.get("tenant")), markdown_cell(record.get("slice")),
                          markdown_cell(record.get("status")), differences_cell(record.get("differences")),
                          markdown_cell(record.get("error"))))
    lines += [_row(markdown_cell(name), "", "not reached", "", "") for name in merged["not_reached"]]
    lines += ["", "**Summary:** %s." % merged.get("summary_text", counts(merged["tenants"], len(merged["not_reached"])))]
    return "\n".join(lines) + "\n"


ROLLBACK_BY = "sessionguard.auth0.rollback_session_policy"
VERIFY_BY = "sessionguard.auth0.verify_session_policy"
PREVIEW_BY = "sessionguard.auth0.preview_session_policy"
# The statuses of a verification and of a rollback, in the order their counts name them.
VERIFY_STATUSES = ("failed", "not_verified", "verified", "not_available")
ROLLBACK_STATUSES = ("failed", "other_tenant", "changed_since_report", "to_restore", "restored", "already_restored",
                     "nothing_recorded", "not_in_report")
# Why the rollback restored nothing on a tenant, where its record says no more.
ROLLBACK_REASONS = {
    "already_restored": "already as before the run: nothing to restore",
    "nothing_recorded": "the run wrote nothing on it: nothing to restore",
    "not_in_report": "not in the report: the run did not reach it",
}


def _restore_text(entry):
    """The restore as the drift gate words a difference, then what it does to the policy, field by field."""
    text = difference_text(dict(entry, desired=entry.get("restore_to")))
    changes = entry.get("policy_changes") or []
    if changes:
        text += " (policy: %s)" % "; ".join(
            difference_text(dict(change, part="action", desired=change.get("restore_to"))) for change in changes)
    return text


def rollback_message(record):
    """One line on what the rollback did (or, in check mode, would do) on a tenant, and why it did nothing."""
    status = record.get("status")
    if record.get("error"):
        return record["error"]
    if status == "changed_since_report":
        conflicts = ["%s %s is %s, the run left %s" % (c.get("part"), c.get("field"), json.dumps(c.get("current")),
                                                       json.dumps(c.get("left_by_run"))) for c in record.get("conflicts") or []]
        return ("changed since the report, left as it is: %s (session_policy_rollback_force=true restores it anyway)"
                % "; ".join(conflicts))
    if record.get("restores"):
        return "; ".join(_restore_text(entry) for entry in record["restores"])
    return ROLLBACK_REASONS.get(status, status or "")


def records_report(base, records, now, check_mode):
    """A read-only playbook's report (verify, preview) from its per-tenant records: ``base`` (what it read, who
    made it) with the records by tenant, the counts by status and one line per tenant."""
    records = sorted(records, key=lambda r: r.get("tenant") or "")
    order = {VERIFY_BY: VERIFY_STATUSES, ROLLBACK_BY: ROLLBACK_STATUSES}.get(base.get("generated_by"), ())
    if base.get("generated_by") == ROLLBACK_BY:
        records = [dict(r, message=rollback_message(r)) for r in records]
    order += tuple(sorted(set(r.get("status") for r in records if r.get("status") and r.get("status") not in order)))
    counts = dict((status, n) for status, n in ((status, sum(1 for r in records if r.get("status") == status))
                                                for status in order) if n)
    report = dict(base, generated_at=now, check_mode=check_mode, tenants=records, summary=counts)
    if base.get("generated_by") == ROLLBACK_BY:
        done = "would restore" if check_mode else "restored"
        restored = counts.get("to_restore" if check_mode else "restored", 0)
        report["heading"] = "%s%s %s %s." % ("Rollback (check mode): nothing was written. " if check_mode else "",
                                             "It" if check_mode else "The rollback", done, plural(restored, "tenant")) + \
            ("" if len(records) == restored else " The others: %s." % ", ".join(
                "%d %s" % (n, status) for status, n in counts.items() if status not in ("restored", "to_restore")))
    report["lines"] = ["%s %s: %s" % (r.get("tenant"), r.get("status"), r.get("message")) for r in records if "status" in r]
    return report


def verify_markdown(report):
    counts = ", ".join("%d %s" % (n, status) for status, n in (report.get("summary") or {}).items())
    mode = " (check mode)" if report.get("check_mode") else ""
    lines = ["# Session policy verification", "",
             "Verified %s against `%s`%s." % (report.get("generated_at", ""), markdown_cell(report.get("report") or ""), mode),
             "%s." % counts if counts else "No tenant verified.", "",
             "| tenant | status | what Auth0 did | requests |", "|---|---|---|---|"]
    lines += [_row(markdown_cell(r.get("tenant")), markdown_cell(r.get("status")), markdown_cell(r.get("message")),
                   markdown_cell(r.get("requests"))) for r in report.get("tenants") or []]
    return "\n".join(lines) + "\n"


def rollback_markdown(report):
    lines = ["# Session policy rollback", "", "**%s**" % report.get("heading", ""), "",
             "%s; undoing `%s`%s." % (report.get("generated_at", ""), markdown_cell(report.get("report") or ""),
                                      ", forced" if report.get("force") else ""), "",
             "| tenant | status | what it restores (now -> before the run) | why not, or the error |", "|---|---|---|---|"]
    for record in report.get("tenants") or []:
        restores = "<br>".join(markdown_cell(_restore_text(entry)) for entry in record.get("restores") or [])
        why = "" if record.get("restores") and not record.get("error") else markdown_cell(record.get("message"))
        lines.append(_row(markdown_cell(record.get("tenant")), markdown_cell(record.get("status")), restores, why))
    return "\n".join(lines) + "\n"


def preview_markdown(report):
    lines = ["# Session policy preview", "",
             "What the inventory's policy would change for each tenant's recent successful logins (counts only)."]
    for record in report.get("tenants") or []:
        lines += ["", "## %s" % markdown_cell(record.get("tenant")), ""]
        lines += ["- %s" % markdown_cell(line) for line in record.get("lines") or []]
    return "\n".join(lines) + "\n"


PLAN_KIND = "sessionguard.auth0 session policy plan"


def plan_markdown(plan):
    """A saved plan (tasks/save_plan.yml) as Markdown for its review: each tenant, its domain, what it would change."""
    lines = ["# Session policy plan", "",
             "Made by a check run on %s. An apply with `session_policy_apply_plan` carries out exactly this and "
             "refuses any tenant that changed since." % plan.get("created_at", ""), ""]
    for tenant in sorted(plan.get("tenants") or {}):
        entry = plan["tenants"][tenant] or {}
        lines.append("- **%s** (%s): %s" % (markdown_cell(tenant), markdown_cell(entry.get("domain") or ""), markdown_cell(
            entry.get("summary") or "not planned: the check failed before it read the tenant")))
        lines += ["  - " + markdown_cell(difference_text(d)) for d in entry.get("differences") or []]
    return "\n".join(lines) + "\n"


def markdown(report):
    """Any report this module builds, as Markdown, by its kind."""
    if report.get("kind") == PLAN_KIND:
        return plan_markdown(report)
    if report.get("generated_by") == VERIFY_BY:
        return verify_markdown(report)
    if report.get("generated_by") == PREVIEW_BY:
        return preview_markdown(report)
    if report.get("generated_by") == ROLLBACK_BY:
        return rollback_markdown(report)
    return merged_markdown(report) if "slices" in report else rollout_markdown(report)
