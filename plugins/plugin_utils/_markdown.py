# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Any value as the text of one Markdown table cell: the reports' one escaping rule.

Not a public API; the ``markdown_cell`` filter exposes it to templates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.common.text.converters import to_text

# HTML first, as entities, so no tag (<script>, <img onerror>) reaches the file; then the Markdown
# characters that could start emphasis, code, a link or strike-through, or end the cell (|).
_HTML = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_MARKDOWN = re.compile(r"([\\`*\[\]|~])")
# A line break would end the table row; \u2028 and \u2029 are line breaks to some renderers.
_BREAKS = re.compile(u"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def markdown_cell(value):
    """``value`` as safe text for one Markdown table cell: escaped, on one line (breaks become <br>)."""
    text = "" if value is None else to_text(value, errors="surrogate_then_replace")
    for raw, entity in _HTML:
        text = text.replace(raw, entity)
    text = _MARKDOWN.sub(r"\\\1", text)
    return _BREAKS.sub("<br>", text)
