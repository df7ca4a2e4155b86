"""How ``after``/``before`` cut: ``WP_Date_Query::build_mysql_datetime`` against the column WooCommerce picks.

WooCommerce compares ``post_date`` (site time) unless ``dates_are_gmt`` is true,
then ``post_date_gmt`` (UTC). WordPress first turns the value into a site-time
wall clock: a value without an offset is taken as site time already, one with
an offset or ``Z`` is converted into the site's zone. That wall clock is then
compared, to the second, with the chosen column. So a naive value is site time
when ``dates_are_gmt`` is false and UTC when it is true; an offset value is
exact when it is false, and off by the site's UTC offset when it is true.
"""

from __future__ import annotations

from datetime import UTC, timedelta, timezone, tzinfo

from .params import DateBound

__all__ = ["bound_epoch"]


def bound_epoch(bound: DateBound, *, gmt_column: bool, site_zone: tzinfo) -> int:
    """The epoch second the bound names for a comparison with ``post_date_gmt`` or ``post_date``."""
    wall = bound.wall
    if bound.offset_minutes is not None:
        given = wall.replace(tzinfo=timezone(timedelta(minutes=bound.offset_minutes)))
        wall = given.astimezone(site_zone).replace(tzinfo=None)
    return int(wall.replace(tzinfo=UTC if gmt_column else site_zone).timestamp())
