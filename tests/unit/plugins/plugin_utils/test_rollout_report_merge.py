"""Merging slice reports and rendering the merge, through the filters that expose _rollout_report."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.sessionguard.auth0.plugins.filter.session_policy_reports import (
    merge_session_policy_reports, session_policy_report_markdown)


def record(tenant, status, error=""):
    return {"tenant": tenant, "status": status, "differences": [], "operations": [], "error": error}


def test_overlapping_slices_keep_the_last_record_and_count_each_tenant_once():
    one = {"check_mode": False, "tenants": [record("a", "failed", "boom | bang"), record("b", "changed")],
           "not_reached": ["c"]}
    two = {"check_mode": False, "tenants": [record("a", "changed"), record("c", "compliant")], "not_reached": []}
    merged = merge_session_policy_reports([one, two], names=["job1", "job2"])
    assert [(t["tenant"], t["status"], t["slice"]) for t in merged["tenants"]] == [
        ("a", "changed", "job2"), ("b", "changed", "job1"), ("c", "compliant", "job2")]
    assert merged["overlaps"] == ["a"] and merged["not_reached"] == []
    assert merged["summary"] == {"tenants": 3, "compliant": 1, "changed": 2, "drifted": 0, "failed": 0,
                                 "invalid": 0, "skipped": 0, "not_in_plan": 0, "not_reached": 0}
    md = session_policy_report_markdown(merged)
    assert "Reported by more than one slice (the last slice's record is kept): a." in md
    assert md.rstrip().endswith("**Summary:** 3 tenants: 2 changed, 1 compliant.")


def test_a_slice_stopped_by_an_invalid_policy_counts_its_tenant_as_invalid():
    stopped = {"check_mode": False, "tenants": [record("a", "invalid", "session_policy_rules[0].match: ...")],
               "not_reached": ["b"]}
    applied = {"check_mode": False, "tenants": [record("c", "changed")], "not_reached": []}
    merged = merge_session_policy_reports([stopped, applied])
    assert merged["summary"] == {"tenants": 3, "compliant": 0, "changed": 1, "drifted": 0, "failed": 0,
                                 "invalid": 1, "skipped": 0, "not_in_plan": 0, "not_reached": 1}
    assert merged["summary_text"] == "3 tenants: 1 invalid, 1 changed, 1 not reached"


def test_hostile_values_are_escaped_and_the_markup_between_kept():
    evil = {"check_mode": False, "not_reached": [],
            "tenants": [dict(record("<img src=x onerror=alert(1)>", "failed", "a|b\nc"),
                             differences=[{"part": "settings", "field": "session_lifetime", "current": "`x`",
                                           "desired": "7d"}])]}
    md = session_policy_report_markdown(merge_session_policy_reports([evil]))
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert 'settings `session_lifetime`: "\\`x\\`" → "7d" | a\\|b<br>c |' in md


def test_mixed_modes_are_said_and_unreached_tenants_listed():
    scan = {"check_mode": True, "tenants": [record("a", "drifted")], "not_reached": []}
    apply = {"check_mode": False, "tenants": [record("b", "failed", "x|y")], "not_reached": ["c"]}
    merged = merge_session_policy_reports([scan, apply])
    assert merged["check_mode"] is False and merged["mixed_modes"] is True
    assert [s["name"] for s in merged["slices"]] == ["slice 1", "slice 2"]
    md = session_policy_report_markdown(merged)
    assert "Some slices ran in check mode and some applied" in md
    assert "| b | slice 2 | failed |  | x\\|y |" in md and "| c |  | not reached |  |  |" in md


@pytest.mark.parametrize("reports, names, message", [
    ([], None, "expects a non-empty list"),
    ([{"tenants": []}], ["a", "b"], "one name per report (2 names, 1 reports)"),
    ([{"summary": {}}], ["old.json"], "old.json is not a session policy report"),
])
def test_bad_input_is_refused(reports, names, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        merge_session_policy_reports(reports, names=names)
