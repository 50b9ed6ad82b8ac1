"""Fixtures of the integration tests: a fresh emulator per test and a playbook runner."""
import functools

import pytest

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

    def make(tenants=1, **kwargs):
        kwargs.setdefault("build_seconds", 0.2)
        emu = Emulator(tenants=tenants, **kwargs)
        emu.start()
        made.append(emu)
        return emu

    yield make
    for emu in made:
        emu.stop()
