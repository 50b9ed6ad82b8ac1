# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hints of the form "(did you mean X?)" for misspelled keys and values.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

# 0.8 catches a slipped, doubled or missing letter (risk_confidense, sesion_lifetime, role) but
# offers nothing for a real key of another block (ephemeral_session_lifetime in a rule scores
# 0.77 against idle_session_lifetime): a wrong hint is worse than none.
_CUTOFF = 0.8


def did_you_mean(word, choices):
    """`` (did you mean X?)`` when ``word`` is a likely misspelling of one of ``choices``, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(choice) for choice in choices], n=1, cutoff=_CUTOFF)
    return " (did you mean %s?)" % close[0] if close else ""
