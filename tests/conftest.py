"""Make ``ansible_collections.sessionguard.auth0`` importable from the checkout.

pytest.ini puts ``build`` on the import path; this links the checkout there before any test imports it.
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LINK = os.path.join(ROOT, "build", "ansible_collections", "sessionguard", "auth0")
if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(ROOT, LINK)
    # An import before the link existed may have cached "nothing here" for build/.
    sys.path_importer_cache.pop(os.path.join(ROOT, "build"), None)
