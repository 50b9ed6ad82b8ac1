# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The markdown_cell filter: any value as the text of one Markdown table cell.

Documentation: markdown_cell.yml next to this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.plugin_utils._markdown import markdown_cell


class FilterModule(object):
    def filters(self):
        return {"markdown_cell": markdown_cell}
