"""Every name the plugin stores under in QGIS: QgsSettings keys, layer and group custom properties, the log tag.

QGIS-free on purpose (plain strings), so any module, script or test can import it. Anything new the plugin
keeps in QgsSettings or on a layer gets its name here, and nowhere else.
"""

#: the Log Messages panel tab of the plugin's messages (QgsMessageLog tag)
LOG_TAG = "Pixxel"

# ----------------------------------------------------------------------------- QgsSettings keys
#: the API base URL saved from the Connection section (core/connection.py)
KEY_BASE_URL = "pixxel/base_url"
#: the id of the QGIS authentication configuration that holds the API key (never the key itself)
KEY_AUTHCFG = "pixxel/authcfg"
#: where loaded assets go: "gpkg" or "memory" (ui/output_options.py)
KEY_OUTPUT_MODE = "pixxel/output_mode"
#: the folder of the GeoPackages; empty: beside the saved project (ui/output_options.py)
KEY_GPKG_FOLDER = "pixxel/gpkg_folder"

# QGIS's own keys the plugin reads: the interface language (Settings > Options > General)
KEY_QGIS_LOCALE_OVERRIDE = "locale/overrideFlag"
KEY_QGIS_LOCALE = "locale/userLocale"

# ----------------------------------------------------------------------------- layer / group custom properties
#: the AOI id of a Pixxel layer or layer-tree group (core/assets/layers.py)
AOI_PROPERTY = "pixxel/aoi_id"
#: the role of a Pixxel layer: "assets" or "boundary"
ROLE_PROPERTY = "pixxel/role"
#: the base URL of the connection a board layer belongs to (core/board/layer.py); the role is "board"
BOARD_URL_PROPERTY = "pixxel/board_base_url"
#: the board poller's bound on requests per minute (core/board/poller.py)
KEY_BOARD_MAX_PER_MINUTE = "pixxel/board_max_per_minute"

#: the role value of the "Pixxel sketches" layer (drawn AOIs, core/aoi/sketches.py)
ROLE_SKETCHES = "sketches"
