# -*- coding: utf-8 -*-
"""Stand-in for the get-pip.py that ansible-test downloads to bootstrap pip in its virtualenvs.

Its download host is not reachable from CI; ansible-test documents saving the script to its cache
instead. This one bootstraps the pip bundled with Python (ensurepip), then installs what
ansible-test asked for from the package index.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import subprocess
import sys

# get-pip.py's own flags, which pip itself does not know.
OWN_FLAGS = ("--no-setuptools", "--no-wheel")


def main():
    # In a child process: ensurepip.bootstrap() would blank PIP_CONFIG_FILE in our environment,
    # and the install below needs the machine's pip configuration (index, proxy CA).
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    args = [arg for arg in sys.argv[1:] if arg not in OWN_FLAGS]
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))


if __name__ == "__main__":
    main()
