"""The session_policy action's own parts, and the ansible-core API it leans on (a test here fails when
ansible-core changes it)."""
import os

from unittest import mock

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.task import Task
from ansible.template import Templar

try:
    from ansible.template import trust_as_template  # ansible-core 2.19+: only trusted strings are templates
except ImportError:
    def trust_as_template(value):
        return value

from ansible_collections.sessionguard.auth0.plugins.action import session_policy as A
from ansible_collections.sessionguard.auth0.plugins.module_utils._client_module import full_argument_spec, merged_rules
from ansible_collections.sessionguard.auth0.plugins.module_utils._task_session_policy import ARGUMENT_SPEC


def validate(args, environment):
    spec = A.with_environment(full_argument_spec(ARGUMENT_SPEC), environment)
    return spec, ArgumentSpecValidator(spec, **merged_rules(None)).validate(args)


def test_the_task_environment_fills_options_over_the_controllers_without_touching_it(monkeypatch):
    monkeypatch.setenv("AUTH0_DOMAIN", "controller.example.com")
    monkeypatch.setenv("AUTH0_CLIENT_ID", "controller-id")
    monkeypatch.delenv("AUTH0_TIMEOUT", raising=False)
    dummy, validation = validate({"client_secret": "s3cret", "code": "x"}, {"AUTH0_DOMAIN": "task.example.com",
                                                                            "AUTH0_TIMEOUT": "7"})
    params = validation.validated_parameters
    assert validation.error_messages == []
    assert params["domain"] == "task.example.com" and params["timeout"] == 7
    assert params["client_id"] == "controller-id"  # not in the task's environment: the controller's
    assert os.environ["AUTH0_DOMAIN"] == "controller.example.com" and "AUTH0_TIMEOUT" not in os.environ
    # An option given in the task wins over both.
    dummy, given = validate({"domain": "given.example.com", "token": "t"}, {"AUTH0_DOMAIN": "task.example.com"})
    assert given.validated_parameters["domain"] == "given.example.com"


def test_the_spec_of_the_module_is_left_as_it_was():
    spec = full_argument_spec(ARGUMENT_SPEC)
    before = spec["domain"]["fallback"]
    A.with_environment(spec, {"AUTH0_DOMAIN": "x"})
    assert spec["domain"]["fallback"] is before


def test_secret_values_are_the_no_log_options_that_are_set():
    spec, validation = validate({"domain": "a.example.com", "client_id": "id", "client_secret": "s3cret"}, {})
    assert A.secret_values(spec, validation.validated_parameters) == {"s3cret"}


def test_masked_hides_secrets_everywhere_but_keeps_booleans_and_none():
    secret = "tok-3f9a"
    result = dict(changed=False, action=None, msg_like="bearer %s" % secret,
                  invocation=dict(module_args=dict(token=secret, domain="acme.eu.auth0.com")),
                  differences=[dict(current='"%s"' % secret, desired="x")])
    done = A.masked(result, [], {secret})
    assert secret not in repr(done)
    assert done["changed"] is False and done["action"] is None
    assert done["invocation"]["module_args"]["domain"] == "acme.eu.auth0.com"
    assert "failed" not in done


def test_masked_fails_with_every_error_on_one_line():
    done = A.masked(dict(changed=False), ["timeout: bad", "domain: bad"], set())
    assert done["failed"] is True and done["msg"] == "timeout: bad; domain: bad"


def test_ansible_core_gives_the_task_environment_templated_and_merged_block_first():
    # ActionBase._compute_environment_string: the one ansible-core method this action calls beyond run().
    task = Task()
    task.environment = [{"AUTH0_DOMAIN": "block.example.com", "AUTH0_TIMEOUT": trust_as_template("{{ wait }}")},
                        {"AUTH0_DOMAIN": trust_as_template("{{ tenant }}.example.com")}]
    templar = Templar(loader=DataLoader(), variables={"tenant": "acme", "wait": 9})
    connection = mock.MagicMock()
    connection._shell.env_prefix.return_value = ""
    action = A.ActionModule(task, connection, mock.MagicMock(), DataLoader(), templar, None)
    environment = {}
    action._compute_environment_string(environment)
    assert environment == {"AUTH0_DOMAIN": "acme.example.com", "AUTH0_TIMEOUT": 9}
