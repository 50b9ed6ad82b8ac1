"""Small helpers shared by the state modules."""
import datetime
import uuid


def iso_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def new_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def drop_zero(value):
    """Drop the top-level keys of a list response whose value is 0 (``page`` on page 0, ``total``
    when empty). Nested values stay: recorded actions and bindings lists keep
    ``all_changes_deployed: false`` (auth0-recorded TestAccDataSourceAction, TestAccTriggerActions)."""
    return dict((key, item) for key, item in value.items()
                if not (item is False or (type(item) in (int, float) and item == 0)))


def check_query(query, allowed):
    """Auth0 validates query strings too: unknown parameters are a 400."""
    from .errors import invalid_query

    extra = [k for k in query if k not in allowed]
    if extra:
        raise invalid_query("'Additional properties not allowed: %s'." % ",".join(extra))


def parse_page(query, default_per_page, max_per_page, size="per_page"):
    """Validate page / per_page query parameters the way Auth0 does (``size``: the name of the page size,
    ``take`` for checkpoint paging)."""
    from .errors import invalid_query

    def as_int(name, default):
        raw = query.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise invalid_query("'Expected type integer but found type string' on property %s." % name)

    page = as_int("page", 0)
    per_page = as_int(size, default_per_page)
    if page < 0:
        raise invalid_query("'Value %d is less than minimum 0' on property page." % page)
    if per_page < 1:
        raise invalid_query("'Value %d is less than minimum 1' on property %s." % (per_page, size))
    if per_page > max_per_page:
        raise invalid_query("'Value %d is greater than maximum %d' on property %s." % (per_page, max_per_page, size))
    return page, per_page


def bool_query(query, name):
    raw = query.get(name)
    if raw is None:
        return None
    return str(raw).lower() in ("true", "1")
