"""``GET /api/v3/{storeId}/profile``: the settings a connector needs (currency, time zone, order number format)."""

from __future__ import annotations

from typing import Any

from .orders import USD_RATES

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$", "JPY": "¥", "INR": "₹", "NZD": "NZ$"}


def store_profile(
    *, store_id: int, store_name: str, currency: str, timezone: str, prefix: str, suffix: str
) -> dict[str, Any]:
    """A trimmed store profile in the documented shape; the currency is ``formatsAndUnits.currency``."""
    store_url = f"https://store{store_id}.company.site"
    return {
        "generalInfo": {
            "storeId": store_id,
            "storeUrl": f"{store_url}/products",
            "websitePlatform": "instantsite",
            "profileId": f"p{store_id % 10_000_000}",
        },
        "account": {
            "accountName": store_name,
            "accountNickName": store_name,
            "accountEmail": "owner@example.com",
            "whiteLabel": False,
            "brandName": "Ecwid",
            "supportEmail": "support@ecwid.com",
            "suspended": False,
            "availableFeatures": ["API", "DISCOUNT_COUPONS", "EGOODS", "INVENTORY_TRACKING", "ORDER_EDITOR"],
            "registrationDate": "2021-03-02 10:14:55 +0000",
            "paid": True,
        },
        "settings": {"closed": False, "storeName": store_name, "storeDescription": ""},
        "company": {
            "companyName": store_name,
            "email": "owner@example.com",
            "street": "500 Alder St",
            "city": "Portland",
            "countryCode": "US",
            "postalCode": "97205",
            "stateOrProvinceCode": "OR",
            "phone": "+1 555-0100",
        },
        "formatsAndUnits": {
            "currency": currency,
            "currencyPrefix": SYMBOLS.get(currency, ""),
            "currencySuffix": "",
            "currencyGroupSeparator": ",",
            "currencyDecimalSeparator": ".",
            "currencyPrecision": 0 if currency == "JPY" else 2,
            "currencyTruncateZeroFractional": False,
            "currencyRate": USD_RATES[currency],
            "weightUnit": "KILOGRAM",
            "weightGroupSeparator": ",",
            "weightDecimalSeparator": ".",
            "weightTruncateZeroFractional": False,
            "timeFormat": "HH:mm:ss",
            "dateFormat": "MMM d, yyyy",
            "timezone": timezone,
            "dimensionsUnit": "CM",
            "volumeUnit": "ML",
            "orderNumberPrefix": prefix,
            "orderNumberSuffix": suffix,
        },
        "languages": {"enabledLanguages": ["en"], "facebookPreferredLocale": "en_US", "defaultLanguage": "en"},
    }
