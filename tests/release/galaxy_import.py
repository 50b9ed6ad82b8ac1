"""Runs galaxy-importer, what Galaxy and Automation Hub run on an upload, on a built artifact.

    python tests/release/galaxy_import.py build/dist/sessionguard-auth0-X.Y.Z.tar.gz

Run with the python of the venv that has galaxy-importer (make galaxy-import). Exits non-zero when
the import fails or logs any warning or error (ansible-lint findings among them): what Galaxy would
show a user on the collection's page. The importer's result goes to build/galaxy-importer/.
"""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def problems(output):
    """The importer logs INFO lines bare and every other level as 'LEVEL: message'."""
    return [line for line in output.splitlines() if line.startswith(("WARNING:", "ERROR:", "CRITICAL:"))]


def main(artifact):
    out_dir = os.path.join(ROOT, "build", "galaxy-importer")
    os.makedirs(out_dir, exist_ok=True)
    # ansible-doc and ansible-lint come from the importer's own venv: without them on PATH it only warns.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = dict(os.environ, PATH=path, ANSIBLE_LOCAL_TEMP=os.path.join(out_dir, "tmp"),
               GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=os.path.join(out_dir, "tmp"))
    # importer_result.json is written into the working directory.
    run = subprocess.run([sys.executable, "-m", "galaxy_importer.main", os.path.abspath(artifact)],
                         cwd=out_dir, env=env, capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr
    found = problems(output)
    steps = ("Getting doc strings via ansible-doc", "Linting collection via ansible-lint",
             "Importer processing completed successfully")
    ran = all(step in output for step in steps)
    if run.returncode != 0 or found or not ran:
        sys.stdout.write(output)
        sys.stdout.write("\ngalaxy-importer: %s failed (exit %d, %d warnings or errors)\n"
                         % (os.path.basename(artifact), run.returncode, len(found)))
        return 1
    print("galaxy-importer: %s imports with no warning (%s)"
          % (os.path.basename(artifact), os.path.join("build", "galaxy-importer", "importer_result.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
