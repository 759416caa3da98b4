"""The API's fixed facts the plugin builds on, with no import at all (safe to import at QGIS start)."""

#: where the Pixxel API lives unless the user says otherwise
DEFAULT_BASE_URL = "https://api.pixxel.space"
#: the CRS of every geometry the API takes and returns (GeoJSON lon/lat)
AOI_CRS = "EPSG:4326"
