# -*- coding: utf-8 -*-
# Copyright: sessionguard maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replay recent logins under the policy deployed now and a new one: per rule counts and lifetime changes.

A login read from a log carries only some of the policy's words (``_tenant_login_logs.login_of``). A condition
the log cannot answer (roles, risk, MFA, app_metadata, and a country when the event had no location)
makes that login "unknown for rule X" at the first rule whose other conditions hold: the evaluator would
need the missing field to decide it, and a guess would make the counts lie. Counts only: no login is
ever shown on its own.

Collection-internal: not a public API; names and signatures may change in any release.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sessionguard.auth0.plugins.module_utils._durations import format_minutes
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_effects import effective
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_evaluate import _holds
from ansible_collections.sessionguard.auth0.plugins.plugin_utils._policy_vocabulary import DEFAULT_RULE_NAME, EFFECT_LIFETIMES

# Conditions no log event answers; a country condition joins them when the event had no location.
NOT_IN_LOGS = ("roles", "risk_confidence", "mfa", "app_metadata")
COUNTRY_CONDITIONS = ("countries", "not_countries")
_MINUTES = "_minutes"


def policy_from_action_data(data, settings):
    """The evaluator's policy from a deployed Action's policy data (``const POLICY``) and the live settings.

    Each rule's ``set`` is already merged over the default and clipped (``_policy_render.action_data``),
    so it becomes the rule's own effects; app_metadata pairs become a mapping again.
    """
    def effects(block):
        out = {}
        for key, value in (block or {}).items():
            if key.endswith(_MINUTES) and key[:-len(_MINUTES)] in EFFECT_LIFETIMES:
                out[key[:-len(_MINUTES)]] = value
            elif key == "cookie_mode":
                out[key] = value
        return out
    rules = []
    for rule in (data or {}).get("rules") or []:
        match = dict((name, dict((pair[0], pair[1]) for pair in value) if name == "app_metadata" else value)
                     for name, value in (rule.get("match") or {}).items())
        rules.append(dict(effects(rule.get("set")), name=rule.get("name"), match=match))
    return dict(tenant=dict(settings or {}), default=effects((data or {}).get("default")), rules=rules)


def with_live_settings(normalized, settings):
    """The new policy with the live settings under its tenant block: what a login gets where the policy sets nothing."""
    tenant = dict((key, value) for key, value in (settings or {}).items() if value is not None)
    tenant.update((key, value) for key, value in (normalized.get("tenant") or {}).items() if value is not None)
    return dict(normalized, tenant=tenant)


def decide(policy, login):
    """``(rule name, unknown condition or None)``: the rule a log's login gets, or the rule it cannot be decided at."""
    for rule in policy.get("rules") or []:
        unknown = []
        holds = True
        for name in sorted(rule["match"]):
            if name in NOT_IN_LOGS or (name in COUNTRY_CONDITIONS and not login.get("country_known")):
                unknown.append(name)
            elif not _holds(name, rule["match"][name], login)[0]:
                holds = False
                break
        if not holds:
            continue
        if unknown:
            return rule["name"], unknown
        return rule["name"], None
    return DEFAULT_RULE_NAME, None


def _lifetimes(policy, rule_name):
    rule = next((r for r in policy.get("rules") or [] if r["name"] == rule_name), None)
    effects = effective(policy.get("tenant"), policy.get("default"), rule)
    return tuple(effects[field]["minutes"] for field in EFFECT_LIFETIMES)


def _shown(minutes):
    return format_minutes(minutes) if minutes is not None else "tenant default"


def _change_text(before, after):
    parts = []
    for field, old, new in zip(EFFECT_LIFETIMES, before, after):
        parts.append("%s %s" % (field, _shown(new) if old == new else "%s -> %s" % (_shown(old), _shown(new))))
    return ", ".join(parts)


def preview(new_policy, read):
    """Per rule counts under the deployed and the new policy, and their lifetime changes, from a preview read.

    ``read`` is the ``session_policy_preview`` module's result. Returns ``{total, rules: [{rule, now, new,
    unknown_now, unknown_new, changes: [{count, before, after}]}], unknown: [{rule, condition, now, new}], lines}``.
    """
    deployed = read.get("deployed") or {}
    settings = deployed.get("settings") or {}
    now_policy = policy_from_action_data(deployed.get("policy"), settings)
    new_policy = with_live_settings(new_policy, settings)
    total = sum(group["count"] for group in read.get("logins") or [])
    order = [r["name"] for r in new_policy.get("rules") or []] + [DEFAULT_RULE_NAME]
    order += [r["name"] for r in now_policy["rules"] if r["name"] not in order]
    rows = dict((name, dict(rule=name, now=0, new=0, unknown_now=0, unknown_new=0, changes={})) for name in order)
    unknown = {}
    for group in read.get("logins") or []:
        count = group["count"]
        now_rule, now_unknown = decide(now_policy, group)
        new_rule, new_unknown = decide(new_policy, group)
        rows[now_rule]["unknown_now" if now_unknown else "now"] += count
        rows[new_rule]["unknown_new" if new_unknown else "new"] += count
        for side, rule, conditions in (("now", now_rule, now_unknown), ("new", new_rule, new_unknown)):
            if conditions:
                key = (rule, ", ".join(conditions))
                unknown.setdefault(key, dict(rule=rule, condition=key[1], now=0, new=0))[side] += count
        if not now_unknown and not new_unknown:
            change = (_lifetimes(now_policy, now_rule), _lifetimes(new_policy, new_rule))
            rows[new_rule]["changes"][change] = rows[new_rule]["changes"].get(change, 0) + count
    out_rows, lines = [], ["%d login%s replayed%s" % (total, "" if total == 1 else "s",
                                                      "" if deployed.get("policy") else " (%s)" % (deployed.get("note") or "no deployed policy"))]
    for name in order:
        row = rows[name]
        changes = sorted(row.pop("changes").items(), key=lambda item: -item[1])
        row["changes"] = [dict(count=n, before=dict(zip(EFFECT_LIFETIMES, map(_shown, b))),
                               after=dict(zip(EFFECT_LIFETIMES, map(_shown, a)))) for (b, a), n in changes]
        out_rows.append(row)
        if not (row["now"] or row["new"] or row["unknown_now"] or row["unknown_new"]):
            continue
        text = "%s: %d of %d logins (now %d)" % (name, row["new"], total, row["now"])
        if changes:
            text += ", " + "; ".join(("%d: " % n if len(changes) > 1 else "") + _change_text(b, a) for (b, a), n in changes)
        lines.append(text)
    for item in sorted(unknown.values(), key=lambda item: (item["rule"], item["condition"])):
        lines.append("unknown for rule %s: %d logins now, %d under the new policy (the log does not carry %s)"
                     % (item["rule"], item["now"], item["new"], item["condition"]))
    return dict(total=total, rules=out_rows, unknown=sorted(unknown.values(), key=lambda item: (item["rule"], item["condition"])),
                lines=lines)
