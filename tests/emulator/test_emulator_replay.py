"""The emulator measured against recorded real-Auth0 exchanges (tests/fixtures/auth0-recorded/)."""
import os

import replay

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")


def test_every_recorded_exchange_matches_or_its_difference_is_kept_with_a_reason(emu, capsys):
    results = replay.replay_all(emu)
    fidelity = replay.table(results)
    with capsys.disabled():
        print("\nEmulator fidelity against recorded Auth0 exchanges:\n" + fidelity)
    problems = ["%s #%d %s: %s: %s" % (r["file"], r["index"], r["endpoint"], where, what)
                for r in results for where, what in r["problems"]]
    assert problems == []
    assert len(results) == sum(len(replay.json.load(open(path))["interactions"]) for path in replay.recordings())
    # The table in the README is the one a run prints.
    with open(README) as handle:
        assert fidelity in handle.read(), "update the fidelity table in tests/emulator/README.md:\n" + fidelity


def test_the_comparison_can_fail():
    recorded = {"bindings": [{"id": "a", "action": {"current_version": {"status": "BUILT"}}}], "per_page": 100}
    emulated = {"bindings": [{"id": "b", "action": {}}], "per_page": 100, "page": 0}
    found = replay.differences(replay.shape(recorded), replay.shape(emulated))
    assert ("bindings[0].action.current_version", "missing in the emulator's answer") in found
    assert ("page", "extra in the emulator's answer") in found
    assert replay.differences(replay.shape({"n": 1}), replay.shape({"n": 0.25})) == []  # both JSON numbers
    assert replay.differences(replay.shape({"n": 1}), replay.shape({"n": "1"})) == [("n", "recorded number, emulated string")]


def test_the_log_comparison_can_fail():
    assert replay._same_events([{"log_id": "2"}, {"log_id": "1"}], [{"log_id": "2"}, {"log_id": "1"}]) == []
    assert replay._same_events([{"log_id": "2"}, {"log_id": "1"}], [{"log_id": "1"}, {"log_id": "2"}]) != []
    assert replay._same_events([{"log_id": "1"}], {"logs": []}) != []
