"""The emulator's answers and the collection's request bodies against Auth0's own SDK (auth0-python)."""
import replay
import sdk_oracle


def test_the_sdk_is_installed_where_make_test_runs():
    # The integration suite checks every body and answer only when it can import the SDK.
    assert sdk_oracle.HAS_SDK, "pip install -r tests/requirements-test.txt (auth0-python)"


def test_every_emulator_answer_to_the_recorded_requests_parses_into_the_sdk_models(emu):
    problems = []
    for path in replay.recordings():
        replay.replay_file(emu, path)
        log = emu.tenant(0).requests()
        assert any(entry.get("answer") is not None for entry in log)
        problems.extend(p for p in sdk_oracle.check_log(log) if " answer: " in p)
    assert problems == []


def test_the_oracle_can_fail():
    bad_binding = {"bindings": [{"ref": {"type": "action_id", "value": "x"}, "display_name": "x", "order": 1}]}
    assert sdk_oracle.check_request("PATCH", "/api/v2/actions/triggers/post-login/bindings", bad_binding) == [
        "PATCH /api/v2/actions/triggers/post-login/bindings: bindings[0].order: not in the SDK's ActionBindingWithRef"]
    fractional = sdk_oracle.check_request("PATCH", "/api/v2/tenants/settings", {"session_lifetime": 1.5})
    assert len(fractional) == 1 and "session_lifetime" in fractional[0]
    assert sdk_oracle.check_request("PATCH", "/api/v2/tenants/settings", {"session_lifetime_in_minutes": 90}) == []
    assert sdk_oracle.check_request("POST", "/api/v2/actions/actions", {"name": "a", "triggers": []})
    wrong_type = sdk_oracle.check_answer("GET", "/api/v2/actions/actions/a1", 200, {"id": "a1", "name": ["not", "a", "str"]})
    assert wrong_type and "name" in wrong_type[0]
    assert sdk_oracle.check_answer("DELETE", "/api/v2/actions/actions/a1", 204, {"a": 1}) == [
        "DELETE /api/v2/actions/actions/a1 answer: the SDK expects no body"]
    invented = sdk_oracle.check_answer("GET", "/api/v2/tenants/settings", 200, {"session_lifetime": 1, "invented": 1})
    assert invented == ["GET /api/v2/tenants/settings answer: invented: not in the SDK's GetTenantSettingsResponseContent"]
