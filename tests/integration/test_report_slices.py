"""Job slicing: three slices of one run made with --limit each write their own report; the shipped
merge_session_policy_reports playbook merges them into one JSON and Markdown report."""
import json

from harness import PLAYBOOK, inventory
from test_rollback_session_policy import ROLLBACK, rollback_report

MERGE = """
- name: Merge
  ansible.builtin.import_playbook: sessionguard.auth0.merge_session_policy_reports
"""

# Two slices as AWX runs them (each slice is a job of its own with its own awx_job_id), one as a
# plain --limit run given a report name of its own.
SLICES = [
    (["--limit", "tenant1,tenant2"], {"awx_job_id": 101}, "session-policy-report-job101"),
    (["--limit", "tenant3,tenant4"], {"awx_job_id": 102}, "session-policy-report-job102"),
    (["--limit", "tenant5"], {"session_policy_report_name": "session-policy-report-slice3"},
     "session-policy-report-slice3"),
]
NAMES = [name for unused_args, unused_vars, name in SLICES]


def run_slices(playbook, inv, check=False):
    for args, extra_vars, unused in SLICES:
        run = playbook(PLAYBOOK, inventory=inv, check=check, extra_vars=extra_vars, args=args)
        assert run.rc == 0, run


def test_three_limit_slices_write_their_own_reports_and_merge_into_one(playbook, emulator, tmp_path):
    emu = emulator(5)
    inv = inventory(tmp_path, emu)
    emu.tenant("tenant4").set_settings(idle_session_lifetime_minutes=4320)
    initial = dict((t.name, t.settings_minutes()) for t in emu.tenants)

    run_slices(playbook, inv, check=True)
    assert not (tmp_path / "session-policy-report.json").exists()
    for name in NAMES:
        assert (tmp_path / (name + ".md")).exists()
    assert [t["tenant"] for t in json.loads((tmp_path / "session-policy-report-job102.json").read_text())["tenants"]] \
        == ["tenant3", "tenant4"]
    assert all(t.writes() == [] for t in emu.tenants)

    merge = playbook(MERGE, extra_vars={"session_policy_report_dir": str(tmp_path)})
    assert merge.rc == 0, merge
    merged = json.loads((tmp_path / "session-policy-report.json").read_text())
    assert merged["check_mode"] is True and merged["mixed_modes"] is False
    assert [s["name"] for s in merged["slices"]] == NAMES
    assert [(t["tenant"], t["status"], t["slice"]) for t in merged["tenants"]] == [
        ("tenant1", "drifted", "session-policy-report-job101"), ("tenant2", "drifted", "session-policy-report-job101"),
        ("tenant3", "drifted", "session-policy-report-job102"), ("tenant4", "drifted", "session-policy-report-job102"),
        ("tenant5", "drifted", "session-policy-report-slice3")]
    assert merged["summary"] == {"tenants": 5, "compliant": 0, "changed": 0, "drifted": 5, "failed": 0,
                                 "invalid": 0, "skipped": 0, "not_in_plan": 0, "not_reached": 0}
    assert all(t.writes() == [] for t in emu.tenants)

    run_slices(playbook, inv)
    assert playbook(MERGE, extra_vars={"session_policy_report_dir": str(tmp_path)}).rc == 0
    merged = json.loads((tmp_path / "session-policy-report.json").read_text())
    assert merged["check_mode"] is False
    assert merged["summary"]["changed"] == 5 and merged["overlaps"] == []
    # Each tenant was written by its own slice only, once.
    for tenant in emu.tenants:
        assert tenant.token_count() == 2
    md = (tmp_path / "session-policy-report.md").read_text()
    assert md.startswith("# Session policy report (3 slices merged)\n\nApplied.")
    assert "| session-policy-report-job102 | apply | tenant3, tenant4 |  |" in md
    row = [line for line in md.splitlines() if line.startswith("| tenant4 | session-policy-report-job102 | changed | ")]
    assert len(row) == 1 and "settings `session_lifetime`: " in row[0], md
    assert md.rstrip().endswith("**Summary:** 5 tenants: 5 changed.")
    assert merge.task("Show the merged summary")["result"]["msg"].endswith(
        "session-policy-report.json: 5 tenants: 5 drifted.")

    # The merged report is the report of the whole run: the rollback undoes every slice from it.
    undo = playbook(ROLLBACK, inventory=inv)
    assert undo.rc == 0, undo
    assert rollback_report(tmp_path)[1] == dict((t.name, "restored") for t in emu.tenants)
    assert dict((t.name, t.settings_minutes()) for t in emu.tenants) == initial


def test_merge_without_reports_says_what_to_set(playbook, tmp_path):
    run = playbook(MERGE, extra_vars={"session_policy_report_dir": str(tmp_path)})
    assert run.rc != 0
    assert "session_policy_report_pattern: no file in %s matches session-policy-report-*.json" % tmp_path in run.output
    run = playbook(MERGE)
    assert run.rc != 0 and "session_policy_report_dir: is required" in run.output


def test_a_later_check_slice_of_an_applied_tenant_does_not_hide_it_from_the_rollback(playbook, emulator, tmp_path):
    """The merged record keeps what the applying slice replaced, so the rollback restores that tenant too."""
    emu = emulator(2)
    inv = inventory(tmp_path, emu)
    initial = dict((t.name, t.settings_minutes()) for t in emu.tenants)
    assert playbook(PLAYBOOK, inventory=inv, extra_vars={"awx_job_id": 201}).rc == 0
    scan = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"awx_job_id": 202}, args=["--limit", "tenant2"])
    assert scan.rc == 0, scan
    assert playbook(MERGE, extra_vars={"session_policy_report_dir": str(tmp_path)}).rc == 0
    merged = json.loads((tmp_path / "session-policy-report.json").read_text())
    assert merged["mixed_modes"] is True and merged["check_mode"] is False
    tenant2 = [t for t in merged["tenants"] if t["tenant"] == "tenant2"][0]
    assert (tenant2["status"], tenant2["slice"]) == ("compliant", "session-policy-report-job202")
    assert tenant2["replaced"]["settings"]["before"] and tenant2["replaced_from"] == ["session-policy-report-job201"]

    undo = playbook(ROLLBACK, inventory=inv)
    assert undo.rc == 0, undo
    assert rollback_report(tmp_path)[1] == {"tenant1": "restored", "tenant2": "restored"}
    assert dict((t.name, t.settings_minutes()) for t in emu.tenants) == initial
