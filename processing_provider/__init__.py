"""The Pixxel Processing provider: "Create AOI from features" and "Load AOI assets".

Thin on purpose: the client, the geometry checks (core.aoi.aoi_shape), the AOI polling (core.tasks.tasks) and the
layer schema (core.assets.asset_fields / core.assets.layers) are the panel's own code.
"""
