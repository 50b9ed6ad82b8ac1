"""The action plugin's own parts: the task environment while options are read, and the module-like ending."""
import os

from ansible_collections.sessionguard.auth0.plugins.action import session_policy as A


def test_environment_is_set_while_reading_then_restored(monkeypatch):
    monkeypatch.setenv("AUTH0_DOMAIN", "before.example.com")
    monkeypatch.delenv("AUTH0_TIMEOUT", raising=False)
    with A._environment({"AUTH0_DOMAIN": "task.example.com", "AUTH0_TIMEOUT": 7}):
        assert os.environ["AUTH0_DOMAIN"] == "task.example.com"
        assert os.environ["AUTH0_TIMEOUT"] == "7"
    assert os.environ["AUTH0_DOMAIN"] == "before.example.com"
    assert "AUTH0_TIMEOUT" not in os.environ


def test_finish_masks_secrets_everywhere_but_keeps_booleans_and_none():
    secret = "tok-3f9a"
    result = dict(changed=False, action=None, msg_like="bearer %s" % secret,
                  invocation=dict(module_args=dict(token=secret, domain="acme.eu.auth0.com")),
                  differences=[dict(current=secret, desired="x")])
    done = A.ActionModule._finish(result, [], {secret})
    assert secret not in repr(done)
    assert done["changed"] is False and done["action"] is None
    assert done["invocation"]["module_args"]["domain"] == "acme.eu.auth0.com"
    assert "failed" not in done


def test_finish_fails_with_every_error_on_one_line():
    done = A.ActionModule._finish(dict(changed=False), ["timeout: bad", "domain: bad"], set())
    assert done["failed"] is True and done["msg"] == "timeout: bad; domain: bad"
