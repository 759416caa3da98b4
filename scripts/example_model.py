"""Write the example Processing model processing_provider/models/pixxel_search_create_wait_load.model3:
selected polygons -> Search images -> Create AOI with the found items -> Wait for AOI -> Load AOI assets.

    .venv/bin/python scripts/example_model.py     (QT_QPA_PLATFORM=offscreen without a display)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "processing_provider" / "models" / "pixxel_search_create_wait_load.model3"


def build():
    from qgis.core import (
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterNumber,
        QgsProcessingParameterString,
    )

    model = QgsProcessingModelAlgorithm("Search, create AOI, wait, load assets", "Pixxel", "pixxel_search_create_wait_load")
    model.setHelpContent({"ALG_DESC": "Searches the images over the selected polygons, creates an AOI with the "
                                      "images found, waits until it has finished and loads its assets."})
    params = [
        QgsProcessingParameterFeatureSource("INPUT", "AOI polygons", [QgsProcessing.SourceType.TypeVectorPolygon]),
        QgsProcessingParameterString("NAME", "AOI name"),
        QgsProcessingParameterString("PROJECT_ID", "Project id"),
        QgsProcessingParameterString("SATELLITE_ID", "Satellite id"),
        QgsProcessingParameterString("START_DATE", "From (YYYY-MM-DD)", "2020-01-01"),
        QgsProcessingParameterString("END_DATE", "To (YYYY-MM-DD)", "2030-12-31"),
        QgsProcessingParameterNumber("MAX_CLOUD", "Maximum cloud cover (%)", QgsProcessingParameterNumber.Type.Integer,
                                     30, minValue=0, maxValue=100),
        QgsProcessingParameterNumber("MAX_ITEMS", "At most this many images", QgsProcessingParameterNumber.Type.Integer,
                                     10, minValue=1, maxValue=10000),
        QgsProcessingParameterString("BASE_URL", "Base URL (empty: the URL saved in the Pixxel panel)", optional=True),
    ]
    for i, p in enumerate(params):
        component = QgsProcessingModelParameter(p.name())
        component.setPosition(component.position().__class__(120, 60 + 70 * i))
        model.addModelParameter(p, component)

    def model_param(name):
        return [QgsProcessingModelChildParameterSource.fromModelParameter(name)]

    def child(child_id, alg_id, description, sources, y):
        c = QgsProcessingModelChildAlgorithm(alg_id)
        c.setChildId(child_id)
        c.setDescription(description)
        for name, source in sources.items():
            c.addParameterSources(name, source)
        c.setPosition(c.position().__class__(480, y))
        return c

    common = {"BASE_URL": model_param("BASE_URL")}
    search = child("search", "pixxel:searchimages", "Search images", {
        "INPUT": model_param("INPUT"), "SATELLITE_ID": model_param("SATELLITE_ID"),
        "START_DATE": model_param("START_DATE"), "END_DATE": model_param("END_DATE"),
        "MAX_CLOUD": model_param("MAX_CLOUD"), "MAX_ITEMS": model_param("MAX_ITEMS"), **common}, 120)
    create = child("create", "pixxel:createaoi", "Create AOI with the images found", {
        "INPUT": model_param("INPUT"), "MODE": [QgsProcessingModelChildParameterSource.fromStaticValue(0)],
        "NAME": model_param("NAME"), "PROJECT_ID": model_param("PROJECT_ID"),
        "SATELLITE_ID": model_param("SATELLITE_ID"),
        "PROVIDER": [QgsProcessingModelChildParameterSource.fromStaticValue(0)],
        "ITEM_IDS": [QgsProcessingModelChildParameterSource.fromChildOutput("search", "ITEM_IDS")],
        "MAX_WAIT": [QgsProcessingModelChildParameterSource.fromStaticValue(0.0)], **common}, 260)
    wait = child("wait", "pixxel:waitforaoi", "Wait for AOI", {
        "AOI_ID": [QgsProcessingModelChildParameterSource.fromChildOutput("create", "AOI_ID")],
        "TIMEOUT": [QgsProcessingModelChildParameterSource.fromStaticValue(0.0)], **common}, 400)
    load = child("load", "pixxel:loadassets", "Load AOI assets", {
        "AOI_ID": [QgsProcessingModelChildParameterSource.fromChildOutput("wait", "AOI_ID")], **common}, 540)
    output = QgsProcessingModelOutput("Assets", "Assets")
    output.setChildId("load")
    output.setChildOutputName("OUTPUT")
    load.setModelOutputs({"Assets": output})
    for c in (search, create, wait, load):
        model.addChildAlgorithm(c)
    model.updateDestinationParameters()
    ok, problems = model.validate()
    if not ok:
        raise RuntimeError("the example model is not valid: " + "; ".join(problems))
    return model


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT.parent))
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from pixxel_qgis.processing_provider.provider import PixxelProvider

    provider = PixxelProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    model = build()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    ok = model.toFile(str(TARGET))
    print(("wrote " if ok else "could not write ") + str(TARGET))
    QgsApplication.processingRegistry().removeProvider(provider)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
