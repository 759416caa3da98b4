"""Pixxel API client bundled with the plugin: pure Python (requests + pydantic v2), no QGIS import.

    from pixxel_qgis.client import PixxelClient
    client = PixxelClient("<API key>")          # https://api.pixxel.space
    print(client.ping())
"""

# Names are imported on first access (PEP 562), so importing a light submodule such as client.errors
# (e.g. from the Processing provider at QGIS start) does not import pydantic or requests.
_LAZY = {
    "AOI": "models",
    "AOICreate": "models",
    "AOIPage": "models",
    "AOIStatus": "models",
    "Asset": "models",
    "AssetPage": "models",
    "AssetStatus": "models",
    "AssetType": "models",
    "AuthError": "errors",
    "CancelledError": "errors",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "DEFAULT_BASE_URL": "defaults",
    "Download": "models",
    "DownloadRequest": "models",
    "ErrorResponse": "models",
    "FINAL_AOI_STATUSES": "models",
    "ItemProperties": "models",
    "NotFoundError": "errors",
    "Pagination": "models",
    "PixxelClient": "client",
    "PixxelConnectionError": "errors",
    "PixxelError": "errors",
    "PixxelTimeoutError": "errors",
    "Polygon": "models",
    "Project": "models",
    "ProjectPage": "models",
    "Provider": "models",
    "RateLimitError": "errors",
    "RequestValidationError": "errors",
    "ResponseFormatError": "errors",
    "Satellite": "models",
    "SatelliteCollection": "models",
    "SatelliteRef": "models",
    "SearchFilter": "models",
    "SearchItem": "models",
    "SearchPage": "models",
    "SearchQuery": "models",
    "ServerError": "errors",
    "normalize_base_url": "transport",
}

def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = sorted(_LAZY)
