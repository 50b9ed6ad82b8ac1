#!/usr/bin/env python
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a small Sphinx inventory of the Ansible documentation labels the site links to.

The plugin pages antsibull-docs generates link to a few pages of the Ansible documentation
(``common_return_values``, ``ansible_configuration_settings``). Sphinx resolves such links with
intersphinx, which would download the whole Ansible inventory on every build. This inventory
keeps the build offline and reproducible; a label the pages use that is missing here fails the
build (``undefined label``), and is added below.

    python docs/site/ansible_inventory.py <output file>
"""
import sys
import zlib

BASE = "https://docs.ansible.com/projects/ansible/devel/"
# label -> (page, anchor, title)
LABELS = {
    # antsibull-docs links a module's "action" attribute to it.
    "action_plugins": ("plugins/action.html", "action-plugins", "Action plugins"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html", "common-return-values",
                             "Return Values"),
}


def main(path):
    lines = ["%s std:label -1 %s#%s %s" % (label, page, anchor, title)
             for label, (page, anchor, title) in sorted(LABELS.items())]
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n" \
             "# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as handle:
        handle.write(header.encode("utf-8") + zlib.compress(("\n".join(lines) + "\n").encode("utf-8")))


if __name__ == "__main__":
    main(sys.argv[1])
