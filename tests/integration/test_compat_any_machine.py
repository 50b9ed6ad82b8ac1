"""`make compat` on a machine that is not CI's: no ~/.pyenv, no uv, one Python on PATH.

The target must run the legs it can, name the ones it skipped and why, and pass; CI's strictness
(the oldest and newest Python present) is asked for with COMPAT_STRICT=1, which .ci/run sets.
"""
import os
import re
import subprocess
import sys

from harness import ROOT

QUICK_TEST = "tests/integration/test_tenant_session.py::test_info_module_reads_once"


def laptop_env(tmp_path):
    """PATH without pyenv's shims or uv, a HOME without ~/.pyenv, and one Python: the one running the tests."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    version = "%d.%d" % sys.version_info[:2]
    os.symlink(os.path.realpath(sys.executable), str(bin_dir / ("python" + version)))
    home = tmp_path / "home"
    home.mkdir()
    # Nor CI's COMPAT_STRICT (.ci/run exports it): a laptop's make test runs the legs it can.
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("PYENV", "UV_", "VIRTUAL_ENV")) and k != "COMPAT_STRICT")
    env.update(HOME=str(home), PATH=os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
               PIP_CACHE_DIR=os.path.join(os.path.expanduser("~"), ".cache", "pip"))
    return env, version


def make_compat(env, *args):
    return subprocess.run(["make", "--no-print-directory", "compat"] + list(args), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def test_compat_passes_with_the_pythons_it_finds_and_names_what_it_skipped(tmp_path):
    env = laptop_env(tmp_path)[0]
    proc = make_compat(env, "COMPAT_TESTS=" + QUICK_TEST, "PYTEST_WORKERS=1")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    with open(os.path.join(ROOT, "Makefile")) as handle:
        legs = re.search(r"^COMPAT := (.*)$", handle.read(), re.M).group(1).split()
    for leg in legs:
        core = leg.split(":")[0]
        lines = [line for line in output.splitlines()
                 if line.startswith(("compat: ansible-core %s on Python" % core, "compat: skipped ansible-core %s:" % core))]
        assert len(lines) == 1, output
    summary = re.search(r"compat: ran (\d+), skipped (\d+), failed 0", output)
    assert summary and int(summary.group(1)) >= 1 and int(summary.group(1)) + int(summary.group(2)) == len(legs)
    assert os.path.expanduser("~/.pyenv") not in output.replace(env["HOME"], "")
    assert "1 passed" in output


def test_a_leg_without_its_python_is_skipped_with_the_reason_and_strict_mode_refuses(tmp_path):
    env, version = laptop_env(tmp_path)
    env["COMPAT"] = "2.17.14:3.99,%s 9.9.9:3.98" % version
    script = os.path.join(ROOT, "tests", "compat", "run_compat.sh")
    proc = subprocess.run(["bash", script, "--find-only"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "compat: ansible-core 2.17.14 on Python %s (%s)" % (version, tmp_path / "bin" / ("python" + version)) \
        in proc.stdout
    assert ("compat: skipped ansible-core 9.9.9: it needs Python 3.98; none found on PATH, in %s/.pyenv or in "
            "%s/.local/share/uv/python" % (env["HOME"], env["HOME"])) in proc.stdout
    assert "compat: would run 1, skipped 1, failed 0" in proc.stdout

    env["COMPAT_STRICT"] = "1"
    proc = subprocess.run(["bash", script, "--find-only"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1
    assert "compat: COMPAT_STRICT: ansible-core 2.17.14 must run on Python 3.99, which is not on this machine" \
        in proc.stdout

    env["COMPAT"] = "9.9.9:3.98"
    del env["COMPAT_STRICT"]
    proc = subprocess.run(["bash", script, "--find-only"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1 and "no supported Python on this machine for any leg" in proc.stdout
