"""Fixtures of the integration tests: a fresh emulator per test and a playbook runner."""
import functools

import pytest

import sdk_oracle
from harness import Emulator, ensure_collection_link, run_playbook


@pytest.fixture
def playbook(tmp_path):
    """``playbook(text, check=False, diff=False, verbosity=0, extra_vars=None, inventory=None, env=None)``."""
    ensure_collection_link()
    return functools.partial(run_playbook, tmp_path)


@pytest.fixture
def emulator():
    """A started emulator factory; every emulator it made is stopped after the test."""
    made = []
    sent = []

    def make(tenants=1, **kwargs):
        kwargs.setdefault("build_seconds", 0.2)
        emu = Emulator(tenants=tenants, **kwargs)
        emu.start()
        made.append(emu)
        for tenant in emu.tenants:
            _keep_log(tenant, sent)
        return emu

    yield make
    for emu in made:
        emu.stop()
    # Every body the collection sent and every answer the emulator gave, against Auth0's own SDK
    # (auth0-python, test-only); kept across clear_requests() so no test can skip it.
    if sdk_oracle.HAS_SDK:
        assert sdk_oracle.check_log(sent) == []


def _keep_log(tenant, sent):
    record = tenant.record

    def keep(entry):
        record(entry)
        sent.append(entry)

    tenant.record = keep
