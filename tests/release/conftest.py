"""Release checks: the built artifact, installed the way users install it.

The collection is built with ``ansible-galaxy collection build`` and installed with
``ansible-galaxy collection install`` into a fresh directory once per session; the tests run
``ansible-doc`` and ``ansible-playbook`` with ANSIBLE_COLLECTIONS_PATH pointing at that directory
only, against the Auth0 emulator of tests/emulator.
"""
import glob
import os
import subprocess

import pytest

from release_support import ROOT, fixtures, tool

emulator = fixtures.emulator  # the fixture: emulator(n) starts n tenants, stopped after the test


def clean_env(home):
    """An environment that sees no collection but the ones the caller adds."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AUTH0_")))
    env.update({"ANSIBLE_HOME": str(home), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "0", "ANSIBLE_LOCAL_TEMP": str(home / "tmp")})
    return env


class Release(object):
    """The built tarball and where it was installed."""

    def __init__(self, tarball, collections_path, home):
        self.tarball = tarball
        self.collections_path = collections_path
        self.collection_dir = os.path.join(collections_path, "ansible_collections", "sessionguard", "auth0")
        self.home = home

    def env(self, **extra):
        env = clean_env(self.home)
        env["ANSIBLE_COLLECTIONS_PATH"] = self.collections_path
        env.update(extra)
        return env


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    dist = base / "dist"
    home = base / "ansible-home"
    (home / "tmp").mkdir(parents=True)
    build = subprocess.run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(dist), ROOT],
                           capture_output=True, text=True, env=clean_env(home), cwd=str(base), check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    tarballs = glob.glob(str(dist / "sessionguard-auth0-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    collections_path = str(base / "collections")
    install = subprocess.run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", collections_path,
                              tarballs[0]], capture_output=True, text=True, env=clean_env(home), cwd=str(base),
                             check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    return Release(tarballs[0], collections_path, home)
