#!/usr/bin/env bash
# Build the HTML docs site of sessionguard.auth0: every plugin, the role, and the guides, with
# antsibull-docs and Sphinx. Warnings and broken references fail the build.
#
#   docs/site/build.sh            # output: build/docs-site/build/html/index.html
#
# Uses the venv of the Makefile ($VENV, default .venv) and installs the pinned tools of
# docs/site/requirements.txt into it, at the versions of tests/locks/test-venv.txt. Needs no network beyond that: no intersphinx download.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/${VENV:-.venv}/bin
SITE=$ROOT/build/docs-site
export PATH=$BIN:$PATH ANSIBLE_COLLECTIONS_PATH=$ROOT/build ANSIBLE_NOCOLOR=1

"$BIN/pip" install -q --disable-pip-version-check -c tests/locks/test-venv.txt -r docs/site/requirements.txt

# The guides are Markdown (docs/guides); their rst for the site is generated and must be current.
"$BIN/python" docs/site/md2rst.py --check

# antsibull-docs finds the collection through ANSIBLE_COLLECTIONS_PATH.
if [ ! -e build/ansible_collections/sessionguard/auth0 ]; then
    mkdir -p build/ansible_collections/sessionguard
    ln -sfn ../../.. build/ansible_collections/sessionguard/auth0
fi
antsibull-docs lint-collection-docs --plugin-docs build/ansible_collections/sessionguard/auth0

rm -rf "$SITE"
mkdir -p "$SITE"
chmod 700 "$SITE"  # antsibull-docs writes only into a directory no one else can write to
antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "$SITE" \
    --project sessionguard.auth0 --copyright "sessionguard maintainers" \
    --title "sessionguard.auth0" --index-rst-source docs/site/index.rst \
    sessionguard.auth0 >/dev/null

# Offline and reproducible: the few Ansible docs labels the plugin pages use come from a local
# inventory, and no other intersphinx inventory is fetched.
"$BIN/python" docs/site/ansible_inventory.py "$SITE/ansible_devel.inv"
cat >> "$SITE/conf.py" <<'CONF'

# Added by docs/site/build.sh.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/',
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ansible_devel.inv')),
}
CONF
sed -i '1i import os' "$SITE/conf.py"

cd "$SITE"
mkdir -p rst
chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --use-current --fail-on-error \
    --cleanup everything --dest-dir rst sessionguard.auth0
sphinx-build -M html rst build -c . -W --keep-going -q
echo "docs site: $SITE/build/html/index.html"
