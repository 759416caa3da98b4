"""Asset and AOI layers: field schemas, GeoJSON -> WKB, layer building and styling."""
