# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the tenant.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/sessionguard.auth0.auth0) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sessionguard.auth0.auth0
"""

    INFO_MODULE = r"""
attributes:
  check_mode:
    description: This module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: This module only reads, so it returns no diff.
    support: N/A
  action_group:
    description: Use C(group/sessionguard.auth0.auth0) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - sessionguard.auth0.auth0
"""
