"""WordPress REST errors: ``{"code", "message", "data": {"status": N, ...}}`` answers as exceptions."""

from __future__ import annotations

from typing import Any

__all__ = ["WPError", "invalid_params", "no_route"]


class WPError(Exception):
    """A ``WP_Error`` the REST server turns into its JSON error answer."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}


def no_route() -> WPError:
    return WPError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_params(details: dict[str, dict[str, Any]]) -> WPError:
    """``WP_REST_Request::has_valid_params``: one 400 naming every invalid parameter."""
    return WPError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(details)}",
        params={name: detail["message"] for name, detail in details.items()},
        details=details,
    )
