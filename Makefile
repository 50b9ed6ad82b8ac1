# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COLLECTION_LINK := build/ansible_collections/sessionguard/auth0
SANITY_ROOT := build/sanity/ansible_collections/sessionguard/auth0
PYTEST_WORKERS ?= 2
# Scripts (demo, reliability, bench) import the collection, the test harness and the emulator as pytest.ini does.
SCRIPT_PATH := PYTHONPATH=$(CURDIR)/build:$(CURDIR)/tests/support:$(CURDIR)/tests/emulator:$(CURDIR)/tests/reliability

.PHONY: emulator lock galaxy-import bench-scale demo test venv unit emulator-tests integration node sanity lint docs-lint collection compat compat-find release-test docs-site docs-guides reliability reliability-quick bench bench-quick clean

# Every venv `make` builds installs from a lock of tests/locks/: every transitive package pinned, so a
# release of some dependency of a dependency cannot change a fresh machine's run. The direct pins
# (tests/requirements-test.txt, docs/site/requirements.txt, tests/locks/*.in) are the inputs; users'
# requirements.txt stays ranges. `make lock` re-resolves them on purpose (then run `make test`).
LOCK := tests/locks/test-venv.txt
PIP_INSTALL := pip install -q --disable-pip-version-check
venv: $(BIN)/.installed

$(BIN)/.installed: $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP_INSTALL) "$$(grep '^pip==' $(LOCK))"
	$(BIN)/$(PIP_INSTALL) -r $(LOCK)
	touch $@

# The compat legs' locks are for the Python each leg runs on first (see COMPAT below).
UV := build/lock-venv/bin/uv
UV_COMPILE := $(UV) pip compile -q --universal --no-header --constraints tests/locks/overrides.txt
lock:
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/$(PIP_INSTALL) uv==0.13.10
	$(UV_COMPILE) --python-version 3.11 --output-file $(LOCK) \
	    requirements.txt tests/requirements-test.txt docs/site/requirements.txt tests/locks/pip.in
	$(UV_COMPILE) --python-version 3.11 --output-file tests/locks/galaxy-importer.txt tests/locks/galaxy-importer.in
	for leg in $(COMPAT); do core=$${leg%%:*}; versions=$${leg#*:}; \
	    { echo "ansible-core==$$core"; grep -E '^(requests|voluptuous|pytest|pytest-xdist|trustme)==' tests/requirements-test.txt; } \
	        > build/compat-$$core.in && \
	    $(UV_COMPILE) --python-version $${versions%%,*} --output-file tests/locks/compat-ansible-core-$$core.txt \
	        build/compat-$$core.in || exit 1; done

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

# The demo installs only what it runs: the collection's requirements, ansible-core and trustme (the
# emulator's CA), at the lock's versions; not the lint, docs and build toolchain.
DEMO_VENV := build/demo-venv
$(DEMO_VENV)/.installed: $(LOCK)
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/$(PIP_INSTALL) -c $(LOCK) -r requirements.txt ansible-core trustme
	touch $@

demo: $(DEMO_VENV)/.installed $(COLLECTION_LINK)
	$(SCRIPT_PATH) $(DEMO_VENV)/bin/python demo/run_demo.py

# The emulator with named tenants, for trying the collection: writes $(EMULATOR_DIR)/inventory.yml with each
# tenant's connection, prints how to run a playbook against it, serves until Ctrl-C.
TENANTS ?= dev staging prod
EMULATOR_DIR ?= build/emulator
emulator: venv $(COLLECTION_LINK)
	PYTHONPATH=$(CURDIR)/tests/emulator exec $(BIN)/python -m auth0_emulator \
	    --names "$$(echo $(TENANTS) | tr ' ' ',')" --cert-dir $(EMULATOR_DIR) \
	    --inventory $(EMULATOR_DIR)/inventory.yml --ansible-playbook $(BIN)/ansible-playbook

test: unit emulator-tests integration node reliability-quick bench-quick sanity lint docs-lint release-test galaxy-import docs-site compat

unit: venv $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/unit -q

emulator-tests: venv
	$(BIN)/python -m pytest tests/emulator -q

integration: venv $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/integration -q -n $(PYTEST_WORKERS)

node: venv $(COLLECTION_LINK)
	PYTHON=$(BIN)/python bash tests/node/run.sh

# ansible-test wants a real tree under ansible_collections/, not a symlink.
$(SANITY_ROOT): FORCE
	rm -rf build/sanity && mkdir -p $(SANITY_ROOT)
	tar --exclude=./build --exclude=./.venv --exclude=./.git --exclude='*/__pycache__' --exclude=./tests/output \
	    --exclude=node_modules -cf - . | tar -xf - -C $(SANITY_ROOT)
	# Its own repository, or ansible-test asks the enclosing one, which ignores build/.
	cd $(SANITY_ROOT) && git init -q && git add -A

# A venv of its own: --requirements installs ansible-test's pinned linters, which must not
# meet ansible-lint's dependencies (and --venv would fetch pip from a host CI cannot reach).
SANITY_VENV := build/sanity-venv
$(SANITY_VENV)/.installed: $(LOCK)
	$(PYTHON) -m venv $(SANITY_VENV)
	$(SANITY_VENV)/bin/$(PIP_INSTALL) "$$(grep '^pip==' $(LOCK))"
	$(SANITY_VENV)/bin/$(PIP_INSTALL) -c $(LOCK) ansible-core requests voluptuous
	PIP_VERSION=$$(grep -ho "pip='[0-9.]*'" $(SANITY_VENV)/lib/python*/site-packages/ansible_test/_internal/python_requirements.py | tr -dc '0-9.'); \
	    mkdir -p $(HOME)/.ansible/test/cache && \
	    cp .ci/get_pip.py $(HOME)/.ansible/test/cache/get_pip_$$(echo $$PIP_VERSION | tr . _).py
	touch $@

sanity: $(SANITY_VENV)/.installed $(SANITY_ROOT)
	cd $(SANITY_ROOT) && PATH=$(CURDIR)/$(SANITY_VENV)/bin:$$PATH ansible-test sanity --requirements \
	    --python 3.11 --color no

# ANSIBLE_HOME in build/: ansible-lint installs the collection it lints into ANSIBLE_HOME's collections,
# which would otherwise leave a stale copy in ~/.ansible that later shadows the real one.
lint: venv $(COLLECTION_LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build ANSIBLE_HOME=$(CURDIR)/build/ansible-lint-home $(BIN)/ansible-lint --profile production

docs-lint: venv $(COLLECTION_LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build $(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLLECTION_LINK)

# The oldest and newest ansible-core the collection supports, each with the Pythons it supports as a
# controller (ansible-core's support matrix), the preferred first: the module and role integration tests
# run again under each, on the first of its Pythons found on PATH, in pyenv or among uv's. A leg with
# none is skipped and says why; COMPAT_STRICT=1 (.ci/run) insists on the first, 3.10 and 3.13.
COMPAT := 2.17.14:3.10,3.11,3.12 2.21.5:3.13,3.12
COMPAT_STRICT ?= 0
COMPAT_TESTS := tests/integration/test_tenant_session.py tests/integration/test_session_policy_role.py \
    tests/integration/test_session_policy_paths.py
compat: $(COLLECTION_LINK)
	COMPAT="$(COMPAT)" COMPAT_STRICT=$(COMPAT_STRICT) PYTEST_WORKERS=$(PYTEST_WORKERS) bash tests/compat/run_compat.sh $(COMPAT_TESTS)

# Which Python each compat leg would use, without running it.
compat-find:
	COMPAT="$(COMPAT)" COMPAT_STRICT=$(COMPAT_STRICT) bash tests/compat/run_compat.sh --find-only

# Faults, load and concurrency across 20 emulated tenants; writes docs/reliability.md.
reliability: venv $(COLLECTION_LINK)
	$(SCRIPT_PATH) $(BIN)/python tests/reliability/run_reliability.py --tenants 20 --seed 1 --out build/reliability/results.json

reliability-quick: venv $(COLLECTION_LINK)
	$(SCRIPT_PATH) $(BIN)/python tests/reliability/run_reliability.py --quick

# Fleet benchmark beside auth0-deploy-cli, the role on both paths (action plugin and module); results
# in build/bench/results/ (build output), the 50-tenant run renders docs/performance.md.
# BENCH_ARGS="--tenants 1000 --forks 50 --execution action --skip-deploy-cli" etc.
BENCH_ARGS ?=
tests/bench/node_modules/.installed: tests/bench/package.json tests/bench/package-lock.json
	cd tests/bench && npm ci
	touch $@

bench: venv $(COLLECTION_LINK) tests/bench/node_modules/.installed
	$(SCRIPT_PATH) $(BIN)/python tests/bench/run_bench.py $(BENCH_ARGS)

# Cost per tenant at 100 and 1,000 tenants, the shipped playbook and the role in a user's play beside
# ansible-core's floor; writes the "Fleet scale" section of docs/performance.md. About 15 minutes.
bench-scale: venv $(COLLECTION_LINK)
	$(SCRIPT_PATH) $(BIN)/python tests/bench/fleet_scale.py --tenants 100 --forks 20 --read-only --repeat 3
	$(SCRIPT_PATH) $(BIN)/python tests/bench/fleet_scale.py --tenants 1000 --forks 50 --repeat 3
	$(SCRIPT_PATH) $(BIN)/python tests/bench/fleet_scale.py --render build/bench/results/scale-100.json \
	    build/bench/results/scale-1000.json

bench-quick: venv $(COLLECTION_LINK) tests/bench/node_modules/.installed
	$(SCRIPT_PATH) $(BIN)/python tests/bench/run_bench.py --quick

release-test: venv $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/release -q -n $(PYTEST_WORKERS)

docs-site: venv $(COLLECTION_LINK)
	VENV=$(VENV) bash docs/site/build.sh

docs-guides: venv
	$(BIN)/python docs/site/md2rst.py

# Needs only the runtime venv (ansible-core), not the test toolchain.
collection: $(DEMO_VENV)/.installed
	mkdir -p build/dist && $(DEMO_VENV)/bin/ansible-galaxy collection build --force --output-path build/dist .

# galaxy-importer, what Galaxy and Automation Hub run on an upload, on the built artifact: its ansible-doc
# and ansible-lint checks, in a venv of its own (it pins its own ansible-lint and attrs). Fails on any
# error or warning it logs.
GALAXY_IMPORTER_VENV := build/galaxy-importer-venv
$(GALAXY_IMPORTER_VENV)/.installed: tests/locks/galaxy-importer.txt
	$(PYTHON) -m venv $(GALAXY_IMPORTER_VENV)
	$(GALAXY_IMPORTER_VENV)/bin/$(PIP_INSTALL) "$$(grep '^pip==' $(LOCK))"
	$(GALAXY_IMPORTER_VENV)/bin/$(PIP_INSTALL) -r tests/locks/galaxy-importer.txt
	touch $@

galaxy-import: $(GALAXY_IMPORTER_VENV)/.installed collection
	$(GALAXY_IMPORTER_VENV)/bin/python tests/release/galaxy_import.py \
	    build/dist/sessionguard-auth0-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz

clean:
	rm -rf build $(VENV)

FORCE:
