# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One difference between a tenant and its policy, as one line of text: the drift gate and the reports say
it the same way.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def difference_text(difference):
    """``settings session_lifetime: "3d" -> "7d"``: the part, the field (a rule's field for the Action), what the
    tenant has, what the policy wants."""
    return "%s %s: %s -> %s" % (difference.get("part"), difference.get("field"),
                                json.dumps(difference.get("current")), json.dumps(difference.get("desired")))
