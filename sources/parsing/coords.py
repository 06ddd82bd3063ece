"""Geographic coordinates as the formats write them: decimal degrees (``34.551°N 38.268°E``, ``34.551,
38.268``) and degrees, minutes and seconds (``34°33′N 38°16′E``, ``34°33'4"N 38°16'5"E``). Pure Python."""
from __future__ import annotations

import re

_PART = (r"(?P<{p}d>\d{{1,3}}(?:\.\d+)?)\s*°?\s*(?:(?P<{p}m>\d{{1,2}}(?:\.\d+)?)\s*[′']\s*"
         r"(?:(?P<{p}s>\d{{1,2}}(?:\.\d+)?)\s*(?:″|''|\")\s*)?)?(?P<{p}h>[{h}])")
_DMS = re.compile(_PART.format(p="a", h="NS") + r"[\s,;/]*" + _PART.format(p="o", h="EW"))
_DECIMAL = re.compile(r"(?P<lat>[-+]?\d{1,2}(?:\.\d+)?)\s*[,;]\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)")


def _degrees(match: re.Match, p: str) -> float:
    value = float(match[f"{p}d"]) + float(match[f"{p}m"] or 0) / 60 + float(match[f"{p}s"] or 0) / 3600
    return -value if match[f"{p}h"] in "SW" else value


def valid(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees, rounded to 6 places, from the first pair ``text``
    writes; None when it writes none (or one off the globe)."""
    match = _DMS.search(text)
    if match:
        lat, lon = _degrees(match, "a"), _degrees(match, "o")
    else:
        match = _DECIMAL.search(text)
        if not match:
            return None
        lat, lon = float(match["lat"]), float(match["lon"])
    if not valid(lat, lon):
        return None
    return round(lat, 6), round(lon, 6)


def format_coordinates(lat: float, lon: float) -> str:
    """``34.551°N 38.268°E``: what renderers write on the ``Coordinates`` line (``parse_coordinates``
    reads it back exactly, to 6 places)."""
    lat_s = f"{abs(lat):.6f}".rstrip("0").rstrip(".")
    lon_s = f"{abs(lon):.6f}".rstrip("0").rstrip(".")
    return f"{lat_s}°{'N' if lat >= 0 else 'S'} {lon_s}°{'E' if lon >= 0 else 'W'}"
