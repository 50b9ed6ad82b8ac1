"""The bad-input catalogue (tests/reliability/bad_inputs.yml) as real tasks, one emulated tenant per entry.

Every entry must fail with a message naming the option and the rule, and write nothing to its tenant.
The whole catalogue runs in two ansible-playbook runs (module entries as tasks with ignore_errors, role
entries as inventory hosts of the enforce_session_policy playbook), in one test so that pytest-xdist
does not run it twice. Entries with ``xfail`` are known bugs reported to the lead: they must still
fail the check, so a fix shows up here as "now passes: remove its xfail line".
"""
import catalogue

ENTRIES = catalogue.load()


def test_catalogue_is_large_enough():
    assert len(ENTRIES) >= 40
    assert set(e["target"] for e in ENTRIES) >= {"tenant_session", "tenant_session_info", "management_token",
                                                 "action", "trigger_binding", "session_policy", "role"}


def test_every_bad_input_fails_clearly_and_writes_nothing(tmp_path):
    run = catalogue.run_catalogue(str(tmp_path))
    assert run["leaks"] == [], "a secret reached the output of: %s" % run["leaks"]
    by_id = dict((o["id"], o) for o in run["entries"])
    assert sorted(by_id) == sorted(e["id"] for e in ENTRIES)
    problems = []
    for entry in ENTRIES:
        found = by_id[entry["id"]]
        if entry.get("xfail"):
            if found["passed"]:
                problems.append("%s now passes: remove its xfail line from bad_inputs.yml" % entry["id"])
        elif not found["passed"]:
            problems.append("%s: %s\n    message: %s" % (entry["id"], "; ".join(found["problems"]), found["message"]))
    assert not problems, "\n".join(problems)
