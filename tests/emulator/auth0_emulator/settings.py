"""Tenant settings: state and the GET / PATCH /api/v2/tenants/settings semantics."""
import copy

from .errors import invalid_body

LIFETIMES = (
    "session_lifetime",
    "idle_session_lifetime",
    "ephemeral_session_lifetime",
    "idle_ephemeral_session_lifetime",
)
IDLE = ("idle_session_lifetime", "idle_ephemeral_session_lifetime")
DEFAULT_MINUTES = {
    "session_lifetime": 168 * 60,
    "idle_session_lifetime": 72 * 60,
    "ephemeral_session_lifetime": 72 * 60,
    "idle_ephemeral_session_lifetime": 24 * 60,
}
HOURS_MAX = 8760
MINUTES_MAX = 525600
# Plan limits in hours (Auth0 docs). Exceeding them within the schema maximum is
# silently capped here: "superseded by system limits" per the docs; not confirmed.
PLAN_LIMITS = {
    "enterprise": {"absolute": 8760, "idle": 2400},
    "self_service": {"absolute": 720, "idle": 72},
}

# Flags the public PATCH schema documents (the list auth0-deploy-cli also allows),
# plus the ones our GET returns.
KNOWN_FLAGS = {
    "change_pwd_flow_v1", "enable_client_connections", "enable_apis_section",
    "enable_pipeline2", "enable_dynamic_client_registration",
    "enable_custom_domain_in_emails", "allow_legacy_tokeninfo_endpoint",
    "enable_legacy_profile", "enable_idtoken_api2",
    "enable_public_signup_user_exists_error", "allow_legacy_delegation_grant_types",
    "allow_legacy_ro_grant_types", "enable_sso", "disable_clickjack_protection_headers",
    "no_disclose_enterprise_connections", "disable_management_api_sms_obfuscation",
    "enforce_client_authentication_on_passwordless_start",
    "trust_azure_adfs_email_verified_connection_property",
    "enable_adfs_waad_email_verification", "revoke_refresh_token_grant",
    "dashboard_log_streams_next", "dashboard_insights_view", "disable_fields_map_fix",
    "require_pushed_authorization_requests", "mfa_show_factor_list_on_enrollment",
    "remove_alg_from_jwks", "improved_signup_bot_detection_in_classic",
    "genai_trial", "custom_domains_provisioning", "allow_changing_enable_sso",
    "universal_login", "new_universal_login_experience_enabled",
    # Sent to and accepted by a real tenant (auth0-recorded TestAccTenant_Main).
    "use_scope_descriptions_for_consent",
}

# Top-level properties accepted by PATCH (besides lifetimes, twins, session_cookie),
# with a loose JSON type check: name -> tuple of allowed Python types.
_STR = (str,)
_OBJ = (dict,)
_BOOL = (bool,)
_LIST = (list,)
OTHER_FIELDS = {
    "change_password": _OBJ + (type(None),),
    "guardian_mfa_page": _OBJ + (type(None),),
    "error_page": _OBJ + (type(None),),
    "device_flow": _OBJ + (type(None),),
    "default_token_quota": _OBJ + (type(None),),
    "default_audience": _STR,
    "default_directory": _STR,
    "flags": _OBJ,
    "friendly_name": _STR,
    "picture_url": _STR,
    "support_email": _STR,
    "support_url": _STR,
    "allowed_logout_urls": _LIST,
    "sandbox_version": _STR,
    "legacy_sandbox_version": _STR,
    "default_redirection_uri": _STR,
    "enabled_locales": _LIST,
    "sessions": _OBJ + (type(None),),
    "oidc_logout": _OBJ,
    "universal_login": _OBJ,
    "customize_mfa_in_postlogin_action": _BOOL,
    "allow_organization_name_in_authentication_api": _BOOL,
    "acr_values_supported": _LIST + (type(None),),
    "mtls": _OBJ + (type(None),),
    "pushed_authorization_requests_supported": _BOOL,
    "authorization_response_iss_parameter_supported": _BOOL + (type(None),),
    "skip_non_verifiable_callback_uri_confirmation_prompt": _BOOL + (type(None),),
    "resource_parameter_profile": _STR,
    "phone_consolidated_experience": _BOOL,
    "enable_ai_guide": _BOOL,
}
_TYPE_NAMES = {str: "string", dict: "object", bool: "boolean", list: "array",
               type(None): "null", int: "integer", float: "number"}


def _json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return _TYPE_NAMES.get(type(value), "unknown")


def minutes_to_hours(minutes):
    """168 when whole hours, else minutes/60 as a float (5 -> 0.08333333333333333)."""
    if minutes % 60 == 0:
        return minutes // 60
    return minutes / 60


def default_other(name):
    return {
        "friendly_name": "Emulated tenant %s" % name,
        "picture_url": "",
        "support_email": "",
        "support_url": "",
        "allowed_logout_urls": [],
        "default_audience": "",
        "default_directory": "",
        "enabled_locales": ["en"],
        "sandbox_version": "22",
        "legacy_sandbox_version": "",
        "sandbox_versions_available": ["22", "18", "16", "12"],
        "flags": {
            "allow_changing_enable_sso": False,
            "allow_legacy_delegation_grant_types": False,
            "allow_legacy_ro_grant_types": False,
            "allow_legacy_tokeninfo_endpoint": False,
            "dashboard_insights_view": False,
            "dashboard_log_streams_next": False,
            "disable_clickjack_protection_headers": False,
            "disable_fields_map_fix": False,
            "disable_management_api_sms_obfuscation": False,
            "enable_adfs_waad_email_verification": False,
            "enable_apis_section": False,
            "enable_client_connections": True,
            "enable_dynamic_client_registration": False,
            "enable_idtoken_api2": False,
            "enable_legacy_profile": False,
            "enable_pipeline2": False,
            "enable_public_signup_user_exists_error": False,
            "enable_sso": True,
            "enforce_client_authentication_on_passwordless_start": True,
            "mfa_show_factor_list_on_enrollment": False,
            "new_universal_login_experience_enabled": True,
            "no_disclose_enterprise_connections": False,
            "remove_alg_from_jwks": False,
            "revoke_refresh_token_grant": False,
            "trust_azure_adfs_email_verified_connection_property": False,
            "universal_login": True,
        },
        "device_flow": {"charset": "base20", "mask": "****-****"},
        "universal_login": {"colors": {"primary": "#635dff", "page_background": "#000000"}},
        "sessions": {"oidc_logout_prompt_enabled": True},
        "oidc_logout": {"rp_logout_end_session_endpoint_discovery": True},
        "customize_mfa_in_postlogin_action": False,
        "allow_organization_name_in_authentication_api": False,
        "pushed_authorization_requests_supported": False,
        "authorization_response_iss_parameter_supported": False,
        "acr_values_supported": [],
        "mtls": {"enable_endpoint_aliases": False},
    }


class Settings:
    """Tenant settings. Lifetimes are kept in minutes; the caller holds the tenant lock."""

    def __init__(self, name):
        self.minutes = dict(DEFAULT_MINUTES)
        self.cookie_mode = None  # absent on a fresh tenant (persistent by default)
        self.other = default_other(name)

    # ---- internal truth / dashboard ----
    def snapshot_minutes(self):
        out = dict(self.minutes)
        out["session_cookie"] = {"mode": self.cookie_mode} if self.cookie_mode else None
        return out

    def dashboard_edit(self, **kw):
        """A change made in the Dashboard (minutes), unvalidated and unlogged.

        A lifetime given as None is "never set on this tenant": the GET leaves it out, as real
        tenants were recorded doing (TestAccTenant_EnableSSO)."""
        for key, value in kw.items():
            base = key[: -len("_in_minutes")] if key.endswith("_in_minutes") else (
                key[: -len("_minutes")] if key.endswith("_minutes") else key)
            if value is None and base in LIFETIMES:
                self.minutes[base] = None
            elif key.endswith("_minutes") and key[: -len("_minutes")] in LIFETIMES:
                self.minutes[key[: -len("_minutes")]] = int(value)
            elif key.endswith("_in_minutes") and key[: -len("_in_minutes")] in LIFETIMES:
                self.minutes[key[: -len("_in_minutes")]] = int(value)
            elif key in LIFETIMES:  # hours
                self.minutes[key] = int(round(float(value) * 60))
            elif key in ("session_cookie", "session_cookie_mode", "cookie_mode"):
                if isinstance(value, dict):
                    value = value.get("mode")
                self.cookie_mode = value
            else:
                self.other[key] = copy.deepcopy(value)

    # ---- API ----
    def to_api(self, fields=None, include_fields=True):
        body = copy.deepcopy(self.other)
        for key in LIFETIMES:
            if self.minutes[key] is not None:
                body[key] = minutes_to_hours(self.minutes[key])
        if self.cookie_mode:
            body["session_cookie"] = {"mode": self.cookie_mode}
        if fields:
            wanted = {f.strip() for f in fields.split(",") if f.strip()}
            if include_fields:
                body = {k: v for k, v in body.items() if k in wanted}
            else:
                body = {k: v for k, v in body.items() if k not in wanted}
        return body

    def patch(self, payload, plan):
        """Validate like Auth0's JSON schema, then apply. Raises ApiError."""
        if not isinstance(payload, dict):
            raise invalid_body("'Expected type object but found type %s'." % _json_type(payload))
        allowed = set(OTHER_FIELDS) | set(LIFETIMES) | {k + "_in_minutes" for k in LIFETIMES} | {"session_cookie"}
        unknown = [k for k in payload if k not in allowed]
        if unknown:
            raise invalid_body("'Additional properties not allowed: %s'." % ",".join(unknown))
        new_minutes = {}
        for key in LIFETIMES:
            twin = key + "_in_minutes"
            if key in payload and twin in payload:
                raise invalid_body(
                    "'Only one of %s or %s can be specified' on property %s." % (key, twin, key))
            if key in payload:
                new_minutes[key] = 60 * _check_int(payload[key], key, HOURS_MAX)
            elif twin in payload:
                new_minutes[key] = _check_int(payload[twin], twin, MINUTES_MAX)
        cookie = self.cookie_mode
        if "session_cookie" in payload:
            value = payload["session_cookie"]
            if value is None:
                cookie = None
            elif not isinstance(value, dict):
                raise invalid_body("'Expected type object but found type %s' on property session_cookie." % _json_type(value))
            else:
                extra = [k for k in value if k != "mode"]
                if extra:
                    raise invalid_body("'Additional properties not allowed: %s' on property session_cookie." % ",".join(extra))
                if "mode" not in value:
                    raise invalid_body("'Missing required property: mode' on property session_cookie.")
                if value["mode"] not in ("persistent", "non-persistent"):
                    raise invalid_body(
                        "'No enum match for: %s' on property session_cookie.mode." % _repr(value["mode"]))
                cookie = value["mode"]
        for key, types in OTHER_FIELDS.items():
            if key in payload and not isinstance(payload[key], types):
                raise invalid_body("'Expected type %s but found type %s' on property %s." % (
                    _TYPE_NAMES[types[0]], _json_type(payload[key]), key))
        flags = payload.get("flags")
        if isinstance(flags, dict):
            bad = [k for k in flags if k not in KNOWN_FLAGS]
            if bad:
                raise invalid_body("'Additional properties not allowed: %s' on property flags." % ",".join(bad))
            for k, v in flags.items():
                if not isinstance(v, bool):
                    raise invalid_body("'Expected type boolean but found type %s' on property flags.%s." % (_json_type(v), k))
        # Apply (silently capped to the plan limits).
        limits = PLAN_LIMITS.get(plan, PLAN_LIMITS["enterprise"])
        for key, minutes in new_minutes.items():
            cap = 60 * (limits["idle"] if key in IDLE else limits["absolute"])
            self.minutes[key] = min(minutes, cap)
        self.cookie_mode = cookie
        for key in OTHER_FIELDS:
            if key not in payload:
                continue
            value = copy.deepcopy(payload[key])
            if key == "flags":
                self.other.setdefault("flags", {}).update(value)
            elif value is None:
                self.other.pop(key, None)
            else:
                self.other[key] = value
        return self.to_api()


def _repr(value):
    return value if isinstance(value, str) else repr(value)


def _check_int(value, prop, maximum):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_body("'Expected type integer but found type %s' on property %s." % (_json_type(value), prop))
    if isinstance(value, float):
        if not value.is_integer():
            raise invalid_body("'Expected type integer but found type number' on property %s." % prop)
        value = int(value)
    if value < 1:
        raise invalid_body("'Value %s is less than minimum 1' on property %s." % (value, prop))
    if value > maximum:
        raise invalid_body("'Value %s is greater than maximum %s' on property %s." % (value, maximum, prop))
    return value
