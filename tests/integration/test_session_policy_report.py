"""session_policy_report through ansible-playbook: check mode writes nothing, a rerun changes nothing,
a bad name or an unwritable directory fails naming the option, with nothing written."""
import json
import os

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Write the report
      sessionguard.auth0.session_policy_report:
        path: "%s"
        name: "%s"
        report: {heading: Applied., summary_text: 1 tenant, tenants: [{tenant: acme-dev, status: changed}]}
"""


def test_check_mode_writes_nothing_then_apply_writes_then_a_rerun_changes_nothing(playbook, tmp_path):
    target = tmp_path / "reports"
    text = PLAY % (target, "run-1")
    checked = playbook(text, check=True)
    assert checked.rc == 0, checked
    assert checked.task("Write the report")["result"]["changed"] is True
    assert not target.exists()

    applied = playbook(text)
    result = applied.task("Write the report")["result"]
    assert applied.rc == 0 and result["changed"] is True
    assert result["paths"] == [str(target / "run-1.json"), str(target / "run-1.md")]
    assert json.loads((target / "run-1.json").read_text()) == {
        "heading": "Applied.", "summary_text": "1 tenant", "tenants": [{"status": "changed", "tenant": "acme-dev"}]}
    assert (target / "run-1.md").read_text() == (
        "# Session policy report\n\n**Applied.**\n\n| tenant | status | differences | error |\n|---|---|---|---|\n"
        "| acme-dev | changed |  |  |\n\n**Summary:** 1 tenant.\n")
    assert oct(os.stat(str(target)).st_mode & 0o777) == "0o755"
    assert sorted(os.listdir(str(target))) == ["run-1.json", "run-1.md"]

    again = playbook(text)
    assert again.rc == 0 and again.task("Write the report")["result"]["changed"] is False


def test_a_name_with_a_slash_fails_naming_the_option_and_writes_nothing(playbook, tmp_path):
    target = tmp_path / "reports"
    run = playbook(PLAY % (target, "../escaped"))
    assert run.rc != 0
    assert run.task("Write the report")["result"]["msg"] == (
        "name: must be a plain file name without '/' (the report is written inside path), got \"../escaped\"")
    assert not target.exists() and not (tmp_path / "escaped.json").exists()


def test_an_unwritable_directory_fails_naming_the_path(playbook, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    run = playbook(PLAY % (blocker / "reports", "run-1"))
    assert run.rc != 0
    message = run.task("Write the report")["result"]["msg"]
    assert message.startswith("path: cannot write the session policy report in %s: " % (blocker / "reports")), message
    assert blocker.read_text() == ""
