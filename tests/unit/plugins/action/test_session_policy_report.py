"""The report writer's parts: the name rule, the files' text, and writes that replace a file whole."""
import json
import os

import pytest
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.sessionguard.auth0.plugins.action import session_policy_report as R


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "eu/acme", "a\0b"])
def test_a_name_that_leaves_the_directory_is_refused(name):
    problem = R.check_name(name)
    assert problem.startswith("name: must be a plain file name without '/'")
    assert json.dumps(name) in problem


@pytest.mark.parametrize("name", ["session-policy-report", "session-policy-report-job42", "r..1", ".hidden"])
def test_a_plain_name_is_accepted(name):
    assert R.check_name(name) is None


def test_the_json_is_indented_sorted_and_both_files_end_in_one_newline():
    merged = {"b": 1, "a": {"z": [1, 2], "y": "é"}, "slices": [], "check_mode": True, "tenants": [], "not_reached": []}
    files = R.report_files("/r", "rep", merged)
    assert [path for path, dummy in files] == ["/r/rep.json", "/r/rep.md"]
    as_json, markdown = files[0][1], files[1][1]
    # Byte for byte what the role's template wrote before ("{{ report | to_nice_json(sort_keys=true) }}" and its
    # line end, which the template module keeps), so readers of the file see no change.
    assert as_json == to_nice_json(merged, sort_keys=True) + "\n"
    assert as_json.index('"a"') < as_json.index('"b"') and '"y": "\\u00e9"' in as_json
    assert markdown.startswith("# Session policy report (0 slices merged)\n") and markdown.endswith(".\n")
    assert not markdown.endswith("\n\n")


def test_write_replaces_the_file_with_mode_0644_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "rep.json"
    target.write_text("old")
    os.chmod(str(target), 0o600)
    R.write_atomically(str(target), b"new\n")
    assert target.read_bytes() == b"new\n"
    assert oct(os.stat(str(target)).st_mode & 0o777) == "0o644"
    assert sorted(os.listdir(str(tmp_path))) == ["rep.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "rep.md"
    target.write_text("old\n")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(R.os, "replace", refuse)
    with pytest.raises(OSError):
        R.write_atomically(str(target), b"new\n")
    assert target.read_text() == "old\n"
    assert sorted(os.listdir(str(tmp_path))) == ["rep.md"]
