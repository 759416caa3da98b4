"""The Pixxel Processing provider: "Create AOI from features" and "Load AOI assets".

Thin on purpose: the client, the geometry checks (core.aoi_shape), the AOI polling (core.tasks) and the
layer schema (core.asset_fields / core.layers) are the panel's own code.
"""
