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


SETTINGS_1 = {"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "1d"}}
ACTION_1 = {"id": "act", "name": "policy", "before": {"id": "v1", "number": 1}, "after": {"id": "v2", "number": 2}}


def applied(tenant, replaced):
    return dict(record(tenant, "changed"), replaced=replaced)


def test_a_later_check_slice_keeps_what_the_applying_slice_replaced():
    """The rollback reads the merged record: a later scan's empty replaced must not hide the applying slice's."""
    apply = {"check_mode": False, "tenants": [applied("a", {"settings": SETTINGS_1, "action": ACTION_1})],
             "not_reached": []}
    scan = {"check_mode": True, "tenants": [dict(record("a", "compliant"), replaced={})], "not_reached": []}
    merged = merge_session_policy_reports([apply, scan], names=["job1", "job2"])
    (tenant,) = merged["tenants"]
    assert (tenant["status"], tenant["slice"]) == ("compliant", "job2")
    assert tenant["replaced"] == {"settings": SETTINGS_1, "action": ACTION_1}
    assert tenant["replaced_from"] == ["job1"] and "replaced_notes" not in tenant
    assert "What the rollback restores, kept across slices: a from job1." in session_policy_report_markdown(merged)


def test_a_retry_slice_adds_its_writes_to_the_first_slices():
    """Slice 1 wrote the settings and failed at the Action; the retry deployed it: the rollback undoes both."""
    first = {"check_mode": False, "tenants": [dict(applied("a", {"settings": SETTINGS_1}), status="failed")],
             "not_reached": []}
    action_2 = dict(ACTION_1, before={"id": "v1", "number": 1}, after={"id": "v3", "number": 3})
    again = {"check_mode": False, "tenants": [applied("a", {"action": action_2})], "not_reached": []}
    tenant = merge_session_policy_reports([first, again], names=["job1", "job2"])["tenants"][0]
    assert tenant["replaced"] == {"settings": SETTINGS_1, "action": action_2}
    assert tenant["replaced_from"] == ["job1", "job2"]


def test_two_writes_that_chain_undo_to_the_first_before_and_a_gap_undoes_the_last_only():
    one = {"check_mode": False, "not_reached": [], "tenants": [applied("a", {"settings": SETTINGS_1, "action": ACTION_1})]}
    chained = {"settings": {"before": {"idle_session_lifetime": "1d"}, "after": {"idle_session_lifetime": "12h"}},
               "action": dict(ACTION_1, before={"id": "v2", "number": 2}, after={"id": "v3", "number": 3})}
    two = {"check_mode": False, "not_reached": [], "tenants": [applied("a", chained)]}
    tenant = merge_session_policy_reports([one, two], names=["job1", "job2"])["tenants"][0]
    assert tenant["replaced"] == {
        "settings": {"before": {"idle_session_lifetime": "3d"}, "after": {"idle_session_lifetime": "12h"}},
        "action": dict(ACTION_1, before={"id": "v1", "number": 1}, after={"id": "v3", "number": 3})}
    # Edited between the slices (2d, not the 1d slice 1 left): only slice 2's write is undone, and the report says so.
    gap = {"settings": {"before": {"idle_session_lifetime": "2d"}, "after": {"idle_session_lifetime": "12h"}}}
    three = {"check_mode": False, "not_reached": [], "tenants": [applied("a", gap)]}
    tenant = merge_session_policy_reports([one, three], names=["job1", "job3"])["tenants"][0]
    assert tenant["replaced"] == {"settings": gap["settings"], "action": ACTION_1}
    assert tenant["replaced_notes"] == ["settings idle_session_lifetime: changed between slices job1 and job3; the "
                                        "rollback undoes the later slice's write only"]


def test_a_replaced_that_is_not_a_mapping_is_refused():
    bad = {"check_mode": False, "not_reached": [], "tenants": [dict(record("a", "changed"), replaced=["x"])]}
    with pytest.raises(AnsibleFilterError, match="job1: the record of a has a replaced that is not a mapping"):
        merge_session_policy_reports([bad], names=["job1"])


def test_slices_that_reached_a_tenant_at_two_domains_keep_the_later_record_only():
    apply = {"check_mode": False, "not_reached": [],
             "tenants": [dict(applied("a", {"settings": SETTINGS_1}), domain="a.eu.auth0.com")]}
    scan = {"check_mode": True, "not_reached": [], "tenants": [dict(record("a", "compliant"), domain="b.eu.auth0.com")]}
    tenant = merge_session_policy_reports([apply, scan], names=["job1", "job2"])["tenants"][0]
    assert "replaced" not in tenant and "replaced_from" not in tenant
    assert tenant["replaced_notes"] == ["slices job1 and job2 reached a at different domains (a.eu.auth0.com, "
                                        "b.eu.auth0.com): only the later slice's record is kept"]
    md = session_policy_report_markdown(merge_session_policy_reports([apply, scan], names=["job1", "job2"]))
    assert "- a: slices job1 and job2 reached a at different domains" in md
