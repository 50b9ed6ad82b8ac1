"""The execution environment: ansible-builder creates the image's build context from the shipped
definition, and its introspection finds every requirement of the installed collection.

No container engine is needed: ``ansible-builder create`` only writes the context, and the
context's own introspection script (what the image build runs after installing the collections)
runs here against the collection installed from the built artifact.
"""
import os
import re
import subprocess
import sys

import yaml

from release_support import ROOT, tool

DEFINITION = os.path.join(ROOT, "docs", "guides", "awx", "execution-environment.yml")


def requirement_lines(path):
    lines = []
    for line in open(path).read().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def name_of(requirement):
    return re.split(r"[<>=!~\[; ]", requirement, 1)[0].strip().lower()


def test_collection_declares_its_requirements_for_ansible_builder():
    meta = yaml.safe_load(open(os.path.join(ROOT, "meta", "execution-environment.yml")))
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    assert requirement_lines(os.path.join(ROOT, "requirements.txt"))
    assert requirement_lines(os.path.join(ROOT, "bindep.txt"))


def test_ansible_builder_create_and_introspection(release, tmp_path):
    context = tmp_path / "context"
    create = subprocess.run([tool("ansible-builder"), "create", "-f", DEFINITION, "-c", str(context),
                             "--output-filename", "Containerfile"], capture_output=True, text=True, check=False,
                            cwd=str(tmp_path))
    assert create.returncode == 0, create.stdout + create.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile

    # The image installs this collection, in a version range that holds the version being released.
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    entry = [c for c in galaxy["collections"] if c["name"] == "sessionguard.auth0"]
    assert len(entry) == 1, galaxy
    version = tuple(int(x) for x in yaml.safe_load(open(os.path.join(ROOT, "galaxy.yml")))["version"].split("."))
    for bound in entry[0]["version"].split(","):
        op, number = re.match(r"^\s*([<>=!]=?)\s*([\d.]+)\s*$", bound).groups()
        number = tuple(int(x) for x in number.split("."))
        assert {">=": version >= number, "<": version < number, ">": version > number, "<=": version <= number,
                "==": version == number, "!=": version != number}[op], (entry, version)

    # What the build will install: introspection over the installed collection plus the
    # definition's own Python requirements, exactly as the Containerfile runs it.
    pip_out, bindep_out = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    command = [sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect",
               "--write-pip=%s" % pip_out, "--write-bindep=%s" % bindep_out, release.collections_path]
    if (context / "_build" / "requirements.txt").exists():
        command.insert(3, "--user-pip=%s" % (context / "_build" / "requirements.txt"))
    introspect = subprocess.run(command, capture_output=True, text=True, check=False)
    assert introspect.returncode == 0, introspect.stdout + introspect.stderr
    assert "from collection sessionguard.auth0" in pip_out.read_text()  # read from meta/execution-environment.yml

    installed = set(name_of(line) for line in requirement_lines(str(pip_out)))
    needed = set(name_of(line) for line in requirement_lines(os.path.join(ROOT, "requirements.txt")))
    assert needed <= installed, "missing from the image: %s" % sorted(needed - installed)
    system = requirement_lines(str(bindep_out))
    for line in requirement_lines(os.path.join(ROOT, "bindep.txt")):
        assert line in system
