"""The rollout report built from plain records, without a playbook run."""
import pytest
from ansible.executor.playbook_executor import PlaybookExecutor

from ansible_collections.sessionguard.auth0.plugins.plugin_utils import _rollout_report as R

NOW = "2026-12-07T10:00:00Z"


def play(hosts, batch=None, check_mode=False, batches=None, all_hosts=None):
    return R.Play(hosts=hosts, batch=hosts if batch is None else batch, all_hosts=all_hosts or hosts,
                  check_mode=check_mode, batches=R.rollout_batches(batches, check_mode), pattern="all", limit="", now=NOW)


def record(tenant, status, error="", differences=None, policy="abc"):
    return dict(tenant=tenant, domain=tenant + ".auth0.com", status=status, differences=differences or [],
                operations=[], left_in="", replaced={}, error=error, policy=policy, reported_at=NOW)


class _Hosts(object):
    def __init__(self, names):
        self.names = names

    def get_hosts(self, pattern, order=None):
        return list(self.names)


class _Play(object):
    def __init__(self, serial):
        self.serial, self.hosts, self.order = serial, "all", None


@pytest.mark.parametrize("serial", [[1, 5, "100%"], ["30%"], [2], [1, "50%"], ["100%"], [3, 1]])
@pytest.mark.parametrize("total", [1, 2, 7, 10, 23])
def test_batch_ends_cut_like_ansible_core(serial, total):
    # ansible-core's own cut of serial into batches; if it changes, the report's "batch N of M" must follow.
    executor = PlaybookExecutor.__new__(PlaybookExecutor)
    executor._inventory = _Hosts(["h%d" % i for i in range(total)])
    batches = executor._get_serialized_batches(_Play(serial))
    ends, done = [], 0
    for batch in batches:
        done += len(batch)
        ends.append(done)
    assert R.batch_ends(serial, total) == ends


def test_check_mode_is_one_batch_and_the_default_stages_are_canary_five_rest():
    assert R.rollout_batches([1, 2], True) == ["100%"]
    assert R.rollout_batches(None, False) == [1, 5, "100%"]
    assert R.rollout_batches([], False) == [1, 5, "100%"]
    assert R.rollout_batches(["50%"], False) == ["50%"]


def test_a_failed_task_is_failed_but_the_drift_gate_stays_drifted():
    gate = R.tenant_record("a", {"failed": True, "status": "drifted", "msg": "drift", "differences": [1]}, "d", NOW)
    assert gate["status"] == "drifted" and gate["error"] == "" and gate["differences"] == [1]
    broken = R.tenant_record("b", {"failed": True, "status": "compliant", "msg": "HTTP 500", "policy_hash": "p"}, "d", NOW)
    assert broken["status"] == "failed" and broken["error"] == "HTTP 500"
    assert broken["left_in"] == R.NOT_REACHED_LEFT_IN and broken["policy"] == "p"  # the task's policy_hash
    unreached = R.tenant_record("c", {"failed": True, "msg": "no credentials"}, "", NOW)
    assert unreached["status"] == "failed" and unreached["policy"] == "" and unreached["domain"] == ""
    ok = R.tenant_record("d", {"status": "changed", "invocation": {"module_args": {"domain": "x.auth0.com"}}},
                         "fallback", NOW)
    assert ok["status"] == "changed" and ok["domain"] == "x.auth0.com"


def test_headings_say_what_the_run_did():
    hosts = ["a", "b", "c"]
    scan = R.rollout_report(play(hosts, check_mode=True), [record("a", "drifted"), record("b", "compliant"),
                                                           record("c", "compliant")], {})
    assert (scan["progress"], scan["heading"]) == ("checked", "Drift scan (check mode): nothing was written.")
    assert scan["outcome"] == "drifted"
    assert scan["batch"] == "all tenants" and scan["batches"] == 1
    rerun = R.rollout_report(play(hosts, batches=["100%"]), [record(h, "compliant") for h in hosts], {})
    assert rerun["heading"] == "Every tenant already matched the policy: nothing was written."
    assert rerun["outcome"] == "compliant"
    applied = R.rollout_report(play(hosts, batches=["100%"]), [record("a", "changed"), record("b", "compliant"),
                                                               record("c", "compliant")], {})
    assert applied["heading"] == "Applied to every tenant." and applied["outcome"] == "compliant"
    canary = R.rollout_report(play(hosts, batch=["a"]), [record("a", "failed", "boom")], {})
    assert canary["progress"] == "stopped" and canary["batch"] == "canary" and canary["outcome"] == "failed"
    assert canary["heading"] == "Stopped after the canary failed: 2 tenants not reached."
    assert canary["not_reached"] == ["b", "c"] and canary["summary_text"] == "3 tenants: 1 failed, 2 not reached"
    going = R.rollout_report(play(hosts, batch=["a"], batches=[1, 1, 1]), [record("a", "changed")], {})
    assert going["heading"] == "In progress: the canary is done; 2 tenants not reached yet."
    second = R.rollout_report(play(hosts, batch=["b"], batches=[1, 1, 1]), [record("a", "changed"), record("b", "changed")], {})
    assert second["batch"] == "batch 2 of 3" and second["batch_summary"] == "1 tenant: 1 changed"
    invalid = R.rollout_report(play(hosts), [record("a", "invalid", "x")], {})
    assert invalid["progress"] == "invalid" and invalid["batch"] == "validation" and invalid["outcome"] == "failed"


def test_lines_name_what_needs_a_look_and_the_plan_summary_keeps_this_batch():
    difference = {"part": "settings", "field": "session_lifetime", "current": "3d", "desired": "7d"}
    report = R.rollout_report(play(["a", "b", "c"], batch=["b", "c"], batches=[1, "100%"]),
                              [record("a", "changed", differences=[difference]), record("b", "failed", "HTTP 500"),
                               record("c", "compliant")], {})
    assert report["lines"] == ['~ a changed: settings session_lifetime: "3d" -> "7d"', "! b failed: HTTP 500"]
    assert R.plan_summary(report, ["b", "c"], "reports/r.md") == [
        "Applied, but 1 tenant failed.", "batch 2 of 2: 2 tenants: 1 failed, 1 compliant", "! b failed: HTTP 500",
        "fleet: 3 tenants: 1 failed, 1 changed, 1 compliant", "report: reports/r.md"]


def test_tenants_outside_the_run_keep_what_an_earlier_report_said():
    previous = {"generated_at": "2026-12-01T00:00:00Z",
                "tenants": [record("old", "drifted"), dict(record("gone", "changed"))],
                "earlier": [dict(record("older", "compliant"), reported_at="")]}
    report = R.rollout_report(play(["a"], all_hosts=["a", "old", "older"]), [record("a", "compliant")], previous)
    assert [(r["tenant"], r["reported_at"]) for r in report["earlier"]] == [
        ("old", NOW), ("older", "2026-12-01T00:00:00Z")]  # "gone" left the inventory


def test_markdown_escapes_each_value_and_shows_where_a_failed_tenant_was_left():
    evil = dict(record("<b>x</b>", "failed", "a|b\nc"), left_in="settings shortened; Action not deployed")
    report = R.rollout_report(play(["<b>x</b>", "z"], batch=["<b>x</b>"], batches=[1, "100%"]), [evil], {})
    md = R.markdown(report)
    assert md.startswith("# Session policy report\n\n**Stopped after the canary failed: 1 tenant not reached.**\n")
    assert "| &lt;b&gt;x&lt;/b&gt; | failed |  | a\\|b<br>c<br>Left in: settings shortened; Action not deployed |" in md
    assert "| z | not reached |  |  |" in md
    assert md.endswith("**Summary:** 2 tenants: 1 failed, 1 not reached.\n")


def test_a_saved_plan_renders_each_tenant_and_what_it_would_change():
    plan = {"kind": R.PLAN_KIND, "created_at": NOW, "tenants": {
        "prod": {"domain": "prod.auth0.com", "summary": "update settings",
                 "differences": [{"part": "settings", "field": "session_lifetime", "current": "3d", "desired": "7d"}]},
        "dev|x": None}}
    md = R.markdown(plan)
    assert md.startswith("# Session policy plan\n\nMade by a check run on %s." % NOW)
    assert "- **dev\\|x** (): not planned: the check failed before it read the tenant\n" in md
    assert '- **prod** (prod.auth0.com): update settings\n  - settings session_lifetime: "3d" -&gt; "7d"\n' in md  # rendered: ->


def test_a_skipped_action_is_said_in_the_heading_the_lines_and_the_markdown():
    skipped = dict(record("b", "skipped"), left_in="tenant settings applied; the Action was skipped")
    report = R.rollout_report(play(["a", "b"], batches=["100%"]), [record("a", "changed"), skipped], {})
    assert report["heading"] == ("Applied to every tenant. On 1 tenant only the tenant settings are enforced: the Action "
                                 "was skipped (action_on_self_service: skip), so no per-login rule runs there.")
    assert report["lines"][-1] == "! b skipped: tenant settings applied; the Action was skipped"
    assert report["summary"]["skipped"] == 1
    assert "| b | skipped |  | <br>Left in: tenant settings applied; the Action was skipped |" in R.markdown(report)


def test_a_rollback_report_says_per_tenant_what_it_restores_or_why_not():
    base = {"generated_by": R.ROLLBACK_BY, "report": "r.json", "force": False}
    restore = {"part": "settings", "field": "session_lifetime", "current": "1d", "restore_to": "3d"}
    records = [{"tenant": "a", "status": "restored", "restores": [restore]},
               {"tenant": "b", "status": "nothing_recorded"},
               {"tenant": "c", "status": "changed_since_report", "conflicts": [
                   {"part": "settings", "field": "cookie_mode", "current": "persistent", "left_by_run": "non-persistent"}]}]
    report = R.records_report(base, records, NOW, False)
    assert report["heading"] == "The rollback restored 1 tenant. The others: 1 changed_since_report, 1 nothing_recorded."
    assert report["lines"] == [
        'a restored: settings session_lifetime: "1d" -> "3d"',
        "b nothing_recorded: the run wrote nothing on it: nothing to restore",
        'c changed_since_report: changed since the report, left as it is: settings cookie_mode is "persistent", the run '
        'left "non-persistent" (session_policy_rollback_force=true restores it anyway)']
    md = R.markdown(report)
    assert '| a | restored | settings session_lifetime: "1d" -&gt; "3d" |  |' in md
    assert "| b | nothing_recorded |  | the run wrote nothing on it: nothing to restore |" in md


def test_a_rollback_line_says_what_the_redeployed_version_does_to_the_policy():
    base = {"generated_by": R.ROLLBACK_BY, "report": "r.json", "force": False}
    restore = {"part": "action", "field": "deployed_version", "current": {"id": "v2", "number": 2},
               "restore_to": {"id": "v1", "number": 1},
               "policy_changes": [{"field": 'rules["kiosks"].session_lifetime', "current": "4h", "restore_to": "8h"}]}
    report = R.records_report(base, [{"tenant": "a", "status": "to_restore", "restores": [restore]}], NOW, True)
    assert report["lines"][-1] == ('a to_restore: action deployed_version: {"id": "v2", "number": 2} -> {"id": "v1", '
                                   '"number": 1} (policy: action rules["kiosks"].session_lifetime: "4h" -> "8h")')
