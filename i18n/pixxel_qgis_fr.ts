<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
    <context>
        <name>PixxelQgis</name>
        <message>
            <location filename="../plugin.py" />
            <source>Show or hide the Pixxel panel</source>
            <translation>Afficher ou masquer le panneau Pixxel</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>Python packages missing in QGIS's Python: {names}.</source>
            <translation>Paquets Python absents du Python de QGIS : {names}.</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Install missing packages</source>
            <translation>Installer les paquets manquants</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>The Python packages are installed; the Pixxel panel and algorithms are ready.</source>
            <translation>Les paquets Python sont installés ; le panneau et les algorithmes Pixxel sont prêts.</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>Pixxel panel shutdown failed</source>
            <translation>L’arrêt du panneau Pixxel a échoué</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>The Pixxel AOI board could not start</source>
            <translation>Le tableau des AOI Pixxel n’a pas pu démarrer</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>The Pixxel AOI board did not stop cleanly</source>
            <translation>Le tableau des AOI Pixxel ne s’est pas arrêté proprement</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>Could not open the Pixxel panel</source>
            <translation>Impossible d’ouvrir le panneau Pixxel</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>Could not open the Pixxel panel; see the Pixxel tab of the message log.</source>
            <translation>Impossible d’ouvrir le panneau Pixxel ; voir l’onglet Pixxel du journal des messages.</translation>
        </message>
        <message>
            <location filename="../plugin.py" />
            <source>The Pixxel Processing provider could not be imported</source>
            <translation>Le fournisseur de traitements Pixxel n’a pas pu être importé</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" />
            <source>AOI</source>
            <translation>Zone</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Required, unique among your AOIs</source>
            <translation>Obligatoire, unique parmi vos zones</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Reload lists</source>
            <translation>Recharger les listes</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Reload the projects and satellites of your account</source>
            <translation>Recharger les projets et les satellites de votre compte</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Name</source>
            <translation>Nom</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Description</source>
            <translation>Description</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Project</source>
            <translation>Projet</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Satellite</source>
            <translation>Satellite</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Provider</source>
            <translation>Fournisseur</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Pixxel: list projects</source>
            <translation>Pixxel : liste des projets</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Could not list projects: {error}</source>
            <translation>Impossible de lister les projets : {error}</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Pixxel: list satellites</source>
            <translation>Pixxel : liste des satellites</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Could not list satellites: {error}</source>
            <translation>Impossible de lister les satellites : {error}</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>✗ An AOI named “{name}” already exists: choose another name.</source>
            <translation>✗ Une zone nommée « {name} » existe déjà : choisissez un autre nom.</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>✓ Name available.</source>
            <translation>✓ Nom disponible.</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Pixxel: check AOI name</source>
            <translation>Pixxel : vérification du nom de la zone</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Name not checked: {error}</source>
            <translation>Nom non vérifié : {error}</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>enter a name</source>
            <translation>saisissez un nom</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>make the AOI geometry (select polygons, press “Use selection”)</source>
            <translation>créez la géométrie de la zone (sélectionnez des polygones, cliquez sur « Utiliser la sélection »)</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>choose a project</source>
            <translation>choisissez un projet</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>choose a satellite</source>
            <translation>choisissez un satellite</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>search images and select at least one</source>
            <translation>recherchez des images et sélectionnez-en au moins une</translation>
        </message>
        <message>
            <location filename="../ui/aoi_form.py" />
            <source>Before creating the AOI: {problems}.</source>
            <translation>Avant de créer la zone : {problems}.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The AOI was not created: {error}</source>
            <translation>La zone n’a pas été créée : {error}</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Asset rasters</source>
            <translation>Rasters des produits</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Open as raster</source>
            <translation>Ouvrir en raster</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Open the GeoTIFF of the selected asset(s) of the active asset layer as raster layers</source>
            <translation>Ouvrir le GeoTIFF des produits sélectionnés de la couche de produits active comme couches raster</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Select assets on the map, then open their GeoTIFFs as raster layers.</source>
            <translation>Sélectionnez des produits sur la carte, puis ouvrez leurs GeoTIFF comme couches raster.</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>The layer “{layer}” has no “path” field with the asset links.</source>
            <translation>La couche « {layer} » n’a pas de champ « path » contenant les liens des produits.</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>No asset is selected in “{layer}”.</source>
            <translation>Aucun produit n’est sélectionné dans « {layer} ».</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>asset {id}</source>
            <translation>produit {id}</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>“{name}” has no GeoTIFF link (.tif/.tiff over https)</source>
            <translation>« {name} » n’a pas de lien GeoTIFF (.tif/.tiff en https)</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>“{name}” has no link</source>
            <translation>« {name} » n’a pas de lien</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>“{name}”: {error}</source>
            <translation>« {name} » : {error}</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>{count} more not opened (at most {max} at once)</source>
            <translation>{count} de plus non ouverts (au plus {max} à la fois)</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Nothing to open: {problems}.</source>
            <translation>Rien à ouvrir : {problems}.</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>{count} raster layer(s) added.</source>
            <translation>{count} couche(s) raster ajoutée(s).</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Not opened: {problems}</source>
            <translation>Non ouverts : {problems}</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>{name} raster</source>
            <translation>raster {name}</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Opening {count} raster(s)…</source>
            <translation>Ouverture de {count} raster(s)…</translation>
        </message>
        <message>
            <location filename="../ui/board_note.py" />
            <source>AOI “{name}” finished: {status}.</source>
            <translation>AOI « {name} » terminée : {status}.</translation>
        </message>
        <message>
            <location filename="../ui/board_note.py" />
            <source>Load assets</source>
            <translation>Charger les assets</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" />
            <source>Connection</source>
            <translation>Connexion</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Save</source>
            <translation>Enregistrer</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Store the base URL, and the API key in the QGIS authentication database</source>
            <translation>Enregistrer l’URL de base, et la clé d’API dans la base d’authentification de QGIS</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Test connection</source>
            <translation>Tester la connexion</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Base URL</source>
            <translation>URL de base</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>API key</source>
            <translation>Clé d’API</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Stored in the QGIS authentication database</source>
            <translation>Enregistrée dans la base d’authentification de QGIS</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Paste your Pixxel API key</source>
            <translation>Collez votre clé d’API Pixxel</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Saved. Using {url}.</source>
            <translation>Enregistré. Utilise {url}.</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Connection saved; the API key is in the QGIS authentication database.</source>
            <translation>Connexion enregistrée ; la clé d’API est dans la base d’authentification de QGIS.</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Saved the base URL. Enter your API key and press Save.</source>
            <translation>URL de base enregistrée. Saisissez votre clé d’API et cliquez sur Enregistrer.</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>No API key is stored yet: enter your Pixxel API key and press Save.</source>
            <translation>Aucune clé d’API n’est encore enregistrée : saisissez votre clé d’API Pixxel et cliquez sur Enregistrer.</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Connected to {url}; the API key works.</source>
            <translation>Connecté à {url} ; la clé d’API fonctionne.</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Connection failed: {error}</source>
            <translation>Échec de la connexion : {error}</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Testing…</source>
            <translation>Test en cours…</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Pixxel: test connection</source>
            <translation>Pixxel : test de la connexion</translation>
        </message>
        <message>
            <location filename="../ui/connection_section.py" />
            <source>Not tested: no API key.</source>
            <translation>Non testé : pas de clé d’API.</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>Coverage</source>
            <translation>Couverture</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>Select images in the search results to see how much of the AOI they cover.</source>
            <translation>Sélectionnez des images dans les résultats de recherche pour voir quelle part de l’AOI elles couvrent.</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>The {count} selected image(s) cover 100 % of the AOI ({area} km²).</source>
            <translation>Les {count} image(s) sélectionnée(s) couvrent 100 % de l’AOI ({area} km²).</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>Warning: the {count} selected image(s) cover {share} % of the AOI; {gap} km² of {area} km² are not covered (red on the map). You can still create the AOI, or select more images.</source>
            <translation>Attention : les {count} image(s) sélectionnée(s) couvrent {share} % de l’AOI ; {gap} km² sur {area} km² ne sont pas couverts (en rouge sur la carte). Vous pouvez quand même créer l’AOI, ou sélectionner d’autres images.</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>Overlap between images: {area} km² ({share} % of the AOI).</source>
            <translation>Recouvrement entre images : {area} km² ({share} % de l’AOI).</translation>
        </message>
        <message>
            <location filename="../ui/coverage_view.py" />
            <source>No overlap between the selected images.</source>
            <translation>Aucun recouvrement entre les images sélectionnées.</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" />
            <source>Create</source>
            <translation>Créer</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Create AOI</source>
            <translation>Créer la zone</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Cancelling…</source>
            <translation>Annulation…</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Creating “{name}”…</source>
            <translation>Création de « {name} »…</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>“{name}” was not created: {error}</source>
            <translation>« {name} » n’a pas été créée : {error}</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Creating “{name}” was cancelled; if the request had reached the server the AOI exists: see the AOIs tab.</source>
            <translation>La création de « {name} » a été annulée ; si la requête avait atteint le serveur, la zone existe : voir l’onglet Zones.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>“{name}” created ({status}); waiting for processing…</source>
            <translation>« {name} » créée ({status}) ; en attente du traitement…</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>AOI “{name}” created; processing started.</source>
            <translation>Zone « {name} » créée ; le traitement a commencé.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Waiting for “{name}” stopped: {error}</source>
            <translation>L’attente de « {name} » s’est arrêtée : {error}</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Stopped waiting for “{name}”; it keeps processing on the server. Load it later from the AOIs tab.</source>
            <translation>Attente de « {name} » arrêtée ; son traitement continue sur le serveur. Chargez-la plus tard depuis l’onglet Zones.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>“{name}”: {status}, {progress}%</source>
            <translation>« {name} » : {status}, {progress} %</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>AOI “{name}” failed on the Pixxel side; no assets were produced.</source>
            <translation>La zone « {name} » a échoué chez Pixxel ; aucun produit n’a été généré.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>“{name}” failed.</source>
            <translation>« {name} » a échoué.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>AOI “{name}” finished with partial success; loading the assets that exist.</source>
            <translation>La zone « {name} » a abouti partiellement ; chargement des produits existants.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>AOI “{name}” is ready; loading its assets.</source>
            <translation>La zone « {name} » est prête ; chargement de ses produits.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>“{name}” {status}; loading assets…</source>
            <translation>« {name} » {status} ; chargement des produits…</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Assets of “{name}” not loaded: {error}</source>
            <translation>Produits de « {name} » non chargés : {error}</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>Loading the assets of “{name}” was cancelled.</source>
            <translation>Le chargement des produits de « {name} » a été annulé.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>{count} assets loaded.</source>
            <translation>{count} produits chargés.</translation>
        </message>
        <message>
            <location filename="../ui/create_section.py" />
            <source>“{name}”: {summary}</source>
            <translation>« {name} » : {summary}</translation>
        </message>
        <message>
            <location filename="../ui/diagnostics_dialog.py" />
            <source>Pixxel diagnostics</source>
            <translation>Diagnostic Pixxel</translation>
        </message>
        <message>
            <location filename="../ui/diagnostics_dialog.py" />
            <source>Copy to clipboard</source>
            <translation>Copier dans le presse-papiers</translation>
        </message>
        <message>
            <location filename="../ui/diagnostics_dialog.py" />
            <source>Diagnostics…</source>
            <translation>Diagnostic…</translation>
        </message>
        <message>
            <location filename="../ui/diagnostics_dialog.py" />
            <source>Versions, network settings and the last API errors, to paste into a support ticket</source>
            <translation>Versions, réglages réseau et dernières erreurs de l'API, à coller dans une demande d'assistance</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Images</source>
            <translation>Images</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>AOIs</source>
            <translation>Zones</translation>
        </message>
        <message>
            <location filename="../ui/dock.py" />
            <source>Rasters</source>
            <translation>Rasters</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Downloads</source>
            <translation>Téléchargements</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Download selected</source>
            <translation>Télécharger</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Download the selected assets of the active asset layer</source>
            <translation>Télécharger les produits sélectionnés de la couche de produits active</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Download all</source>
            <translation>Tout télécharger</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Download every asset of the active asset layer's AOI</source>
            <translation>Télécharger tous les produits de la zone de la couche de produits active</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Select assets on the map, then download them.</source>
            <translation>Sélectionnez des produits sur la carte, puis téléchargez-les.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Band composite of the active raster layer</source>
            <translation>Composition colorée de la couche raster active</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Apply</source>
            <translation>Appliquer</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Spectral profile</source>
            <translation>Profil spectral</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Click pixels of the active raster to plot their spectra</source>
            <translation>Cliquez sur des pixels du raster actif pour tracer leurs spectres</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>{n} of {total} assets of this AOI are already downloaded in {folder}.</source>
            <translation>{n} des {total} produits de cette zone sont déjà téléchargés dans {folder}.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>No asset is selected in “{layer}”. Select assets with the Select Features tool, or press “Download all”.</source>
            <translation>Aucun produit n’est sélectionné dans « {layer} ». Sélectionnez des produits avec l’outil de sélection d’entités, ou cliquez sur « Tout télécharger ».</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Nothing to download: the assets are not ready (status is not success).</source>
            <translation>Rien à télécharger : les produits ne sont pas prêts (leur statut n’est pas success).</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source> {n} raster layer(s) added to the AOI's group.</source>
            <translation> {n} couche(s) raster ajoutée(s) au groupe de la zone.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source> {n} asset(s) not ready were skipped.</source>
            <translation> {n} produit(s) pas encore prêt(s) ignoré(s).</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Download cancelled. What was fetched is kept as .part files and resumed next time.</source>
            <translation>Téléchargement annulé. Ce qui a été reçu est gardé en fichiers .part et repris la prochaine fois.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Downloading {n} asset(s) to {folder}…</source>
            <translation>Téléchargement de {n} produit(s) dans {folder}…</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source> ({n} already there)</source>
            <translation> ({n} déjà présent(s))</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Cancelling… what was fetched is kept as .part files and resumed next time.</source>
            <translation>Annulation… ce qui a été reçu est gardé en fichiers .part et repris la prochaine fois.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Make a multiband raster the active layer, then choose a composite.</source>
            <translation>Rendez active une couche raster multibande, puis choisissez une composition.</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>The raster “{layer}” has no bands for this composite.</source>
            <translation>Le raster « {layer} » n’a pas les bandes de cette composition.</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Draw the AOI</source>
            <translation>Dessiner l’AOI</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Rectangle</source>
            <translation>Rectangle</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Drag a rectangle on the map</source>
            <translation>Tracez un rectangle sur la carte</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Polygon</source>
            <translation>Polygone</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Click the corners on the map; right click or double click to finish</source>
            <translation>Cliquez les sommets sur la carte ; clic droit ou double-clic pour terminer</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Map extent</source>
            <translation>Emprise</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Use the part of the map shown now</source>
            <translation>Utiliser la partie de la carte affichée</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Drawn shapes go to the “Pixxel sketches” layer; undo with QGIS's Undo.</source>
            <translation>Les formes dessinées vont dans la couche « Pixxel sketches » ; annulez avec l’Annuler de QGIS.</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>No map canvas to draw on.</source>
            <translation>Pas de carte où dessiner.</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>Drawn: {kind} in “{layer}” (selected).</source>
            <translation>Dessiné : {kind} dans « {layer} » (sélectionné).</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Existing AOIs</source>
            <translation>Zones existantes</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Status</source>
            <translation>État</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Progress</source>
            <translation>Progression</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Created</source>
            <translation>Créée</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Refresh</source>
            <translation>Actualiser</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Load</source>
            <translation>Charger</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Load the boundary and assets of the selected AOI</source>
            <translation>Charger le contour et les produits de la zone sélectionnée</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>{count} AOI(s).</source>
            <translation>{count} zone(s).</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Could not list AOIs: {error}</source>
            <translation>Impossible de lister les zones : {error}</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Pixxel: list AOIs</source>
            <translation>Pixxel : liste des zones</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Select an AOI in the Existing AOIs list first.</source>
            <translation>Sélectionnez d’abord une zone dans la liste des zones existantes.</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Loading “{name}”…</source>
            <translation>Chargement de « {name} »…</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>“{name}” ({status}): {summary}</source>
            <translation>« {name} » ({status}) : {summary}</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>“{name}” not loaded: {error}</source>
            <translation>« {name} » non chargée : {error}</translation>
        </message>
        <message>
            <location filename="../ui/existing_aois.py" />
            <source>Cancelled.</source>
            <translation>Annulé.</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>AOI geometry</source>
            <translation>Géométrie de la zone</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>Use selection</source>
            <translation>Utiliser la sélection</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>Make the AOI from the selected polygons of the active layer</source>
            <translation>Créer la zone à partir des polygones sélectionnés de la couche active</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Clear</source>
            <translation>Effacer</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>Several parts</source>
            <translation>Plusieurs parties</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>Area: {area} km² · Vertices: {vertices}</source>
            <translation>Surface : {area} km² · Sommets : {vertices}</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>{count} AOIs · Area: {area} km² in total · Vertices: {vertices}</source>
            <translation>{count} zones · Surface : {area} km² au total · Sommets : {vertices}</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Search images</source>
            <translation>Chercher des images</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Footprints</source>
            <translation>Emprises</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Draw the footprints of the selected images on the map</source>
            <translation>Dessiner les emprises des images sélectionnées sur la carte</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>From</source>
            <translation>Du</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>To</source>
            <translation>Au</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Max cloud</source>
            <translation>Nuages max.</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Make the AOI geometry first: select polygons and press “Use selection”.</source>
            <translation>Créez d’abord la géométrie de la zone : sélectionnez des polygones et cliquez sur « Utiliser la sélection ».</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Choose a satellite first (press “Reload lists” on the AOI tab if the list is empty).</source>
            <translation>Choisissez d’abord un satellite (cliquez sur « Recharger les listes » dans l’onglet Zone si la liste est vide).</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>This satellite has no collection to search.</source>
            <translation>Ce satellite n’a pas de collection à interroger.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Search not sent: {error}</source>
            <translation>Recherche non envoyée : {error}</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>{count} image(s) found (first results only). Select the ones to include.</source>
            <translation>{count} image(s) trouvée(s) (premiers résultats seulement). Sélectionnez celles à inclure.</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>{count} image(s) found. Select the ones to include.</source>
            <translation>{count} image(s) trouvée(s). Sélectionnez celles à inclure.</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Search failed: {error}</source>
            <translation>Échec de la recherche : {error}</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Searching…</source>
            <translation>Recherche…</translation>
        </message>
        <message>
            <location filename="../ui/image_search.py" />
            <source>Pixxel: search images</source>
            <translation>Pixxel : recherche d’images</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Pixxel for QGIS needs Python packages that QGIS's Python cannot import: {names}. They are installed into a folder of the plugin's own in your QGIS profile; QGIS's own packages (such as numpy) are left as they are.</source>
            <translation>Pixxel pour QGIS a besoin de paquets Python que le Python de QGIS ne peut pas importer : {names}. Ils sont installés dans un dossier propre à l'extension, dans votre profil QGIS ; les paquets de QGIS (comme numpy) restent tels quels.</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Offline: a folder of wheels (optional)</source>
            <translation>Hors ligne : un dossier de wheels (facultatif)</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Install from the .whl files in this folder instead of from PyPI</source>
            <translation>Installer depuis les fichiers .whl de ce dossier au lieu de PyPI</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Choose…</source>
            <translation>Choisir…</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Or run this command (QGIS's own Python, the plugin's folder), then restart QGIS:</source>
            <translation>Ou exécutez cette commande (le Python de QGIS, le dossier de l'extension), puis redémarrez QGIS :</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Copy command</source>
            <translation>Copier la commande</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Folder of wheels (.whl)</source>
            <translation>Dossier de wheels (.whl)</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Installing {names}… (QGIS stays usable meanwhile)</source>
            <translation>Installation de {names}… (QGIS reste utilisable pendant ce temps)</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>Installed. The Pixxel panel and Processing algorithms are ready.</source>
            <translation>Installé. Le panneau Pixxel et les algorithmes de traitement sont prêts.</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>pip finished, but these are still not importable: {names}.</source>
            <translation>pip a terminé, mais ceux-ci ne sont toujours pas importables : {names}.</translation>
        </message>
        <message>
            <location filename="../ui/install_section.py" />
            <source>The installation failed.</source>
            <translation>L'installation a échoué.</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>GeoPackage: saved, reopened with the project. Temporary layers: lost when QGIS closes, nothing written to disk.</source>
            <translation>GeoPackage : enregistré, rouvert avec le projet. Couches temporaires : perdues à la fermeture de QGIS, rien n’est écrit sur le disque.</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Folder of the Pixxel GeoPackages</source>
            <translation>Dossier des GeoPackages Pixxel</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Empty: a pixxel_data folder beside the saved project</source>
            <translation>Vide : un dossier pixxel_data à côté du projet enregistré</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Empty: a pixxel_data folder beside the saved project (or the QGIS profile folder while it is unsaved).</source>
            <translation>Vide : un dossier pixxel_data à côté du projet enregistré (ou le dossier du profil QGIS tant qu’il n’est pas enregistré).</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Output</source>
            <translation>Sortie</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Folder</source>
            <translation>Dossier</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Click pixels of a raster</source>
            <translation>Cliquez sur des pixels d’un raster</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Pixxel spectral profile</source>
            <translation>Profil spectral Pixxel</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Activate “Spectral profile” in the Pixxel panel, then click pixels of a raster.</source>
            <translation>Activez « Profil spectral » dans le panneau Pixxel, puis cliquez sur des pixels d’un raster.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Export CSV…</source>
            <translation>Exporter en CSV…</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>{n} pixel(s) shown. Click more pixels to compare.</source>
            <translation>{n} pixel(s) affiché(s). Cliquez sur d’autres pixels pour comparer.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Click pixels of a raster to plot their spectra.</source>
            <translation>Cliquez sur des pixels d’un raster pour tracer leurs spectres.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>No spectral profile to export: click pixels first.</source>
            <translation>Aucun profil spectral à exporter : cliquez d’abord sur des pixels.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Export spectral profiles</source>
            <translation>Exporter les profils spectraux</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Could not write {path}: {error}. Choose another file.</source>
            <translation>Impossible d’écrire {path} : {error}. Choisissez un autre fichier.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Exported {n} profile(s) to {path}.</source>
            <translation>{n} profil(s) exporté(s) dans {path}.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>Make a raster layer the active layer, then click a pixel.</source>
            <translation>Rendez active une couche raster, puis cliquez sur un pixel.</translation>
        </message>
        <message>
            <location filename="../ui/spectral_profile.py" />
            <source>“{layer}” is read over the network: download it first (Rasters tab, Downloads) to plot its spectra.</source>
            <translation>« {layer} » est lu par le réseau : téléchargez-le d’abord (onglet Rasters, Téléchargements) pour tracer ses spectres.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>No Pixxel API key is available. Save your key in the Pixxel panel (Connection tab), or choose an authentication configuration holding it in the 'Authentication' parameter, or (qgis_process, scripts) set the {env} environment variable.</source>
            <translation>Aucune clé d’API Pixxel n’est disponible. Enregistrez votre clé dans le panneau Pixxel (onglet Connexion), ou choisissez une configuration d’authentification qui la contient dans le paramètre « Authentification », ou (qgis_process, scripts) définissez la variable d’environnement {env}.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>&lt;h3&gt;Connection&lt;/h3&gt;&lt;p&gt;By default the algorithm uses the connection saved in the Pixxel panel (base URL and API key). Under &lt;i&gt;Advanced parameters&lt;/i&gt; you can override the &lt;b&gt;Base URL&lt;/b&gt; and choose an &lt;b&gt;Authentication&lt;/b&gt; configuration whose password is the API key (the panel saves its key as the configuration “Pixxel API key”). With qgis_process the key can also come from the &lt;code&gt;{env_key}&lt;/code&gt; environment variable and the URL from &lt;code&gt;{env_url}&lt;/code&gt;. The key itself is never a parameter value, so it never appears in the log, the history or a model.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;Connexion&lt;/h3&gt;&lt;p&gt;Par défaut, l’algorithme utilise la connexion enregistrée dans le panneau Pixxel (URL de base et clé d’API). Sous &lt;i&gt;Paramètres avancés&lt;/i&gt;, vous pouvez remplacer l’&lt;b&gt;URL de base&lt;/b&gt; et choisir une configuration d’&lt;b&gt;authentification&lt;/b&gt; dont le mot de passe est la clé d’API (le panneau enregistre sa clé sous la configuration « Pixxel API key »). Avec qgis_process, la clé peut aussi venir de la variable d’environnement &lt;code&gt;{env_key}&lt;/code&gt; et l’URL de &lt;code&gt;{env_url}&lt;/code&gt;. La clé elle-même n’est jamais la valeur d’un paramètre : elle n’apparaît donc jamais dans le journal, l’historique ou un modèle.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>Base URL (empty: the URL saved in the Pixxel panel)</source>
            <translation>URL de base (vide : l’URL enregistrée dans le panneau Pixxel)</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>The Pixxel API address, e.g. https://api.pixxel.space. Empty: the PIXXEL_BASE_URL environment variable, else the URL saved in the Pixxel panel.</source>
            <translation>L’adresse de l’API Pixxel, par ex. https://api.pixxel.space. Vide : la variable d’environnement PIXXEL_BASE_URL, sinon l’URL enregistrée dans le panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>Authentication (empty: the key saved in the Pixxel panel)</source>
            <translation>Authentification (vide : la clé enregistrée dans le panneau Pixxel)</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>An authentication configuration whose password is your Pixxel API key (method Basic; the panel stores its key as “Pixxel API key”). Empty: the PIXXEL_API_KEY environment variable, else the key saved in the Pixxel panel.</source>
            <translation>Une configuration d’authentification dont le mot de passe est votre clé d’API Pixxel (méthode Basic ; le panneau enregistre sa clé sous « Pixxel API key »). Vide : la variable d’environnement PIXXEL_API_KEY, sinon la clé enregistrée dans le panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>The authentication configuration “{authcfg}” does not exist. Choose another one in the 'Authentication' parameter, or leave it empty to use the key saved in the Pixxel panel.</source>
            <translation>La configuration d’authentification « {authcfg} » n’existe pas. Choisissez-en une autre dans le paramètre « Authentification », ou laissez-le vide pour utiliser la clé enregistrée dans le panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>The authentication configuration “{authcfg}” has no password. Store the Pixxel API key as its password (method Basic), or leave 'Authentication' empty to use the key saved in the Pixxel panel.</source>
            <translation>La configuration d’authentification « {authcfg} » n’a pas de mot de passe. Enregistrez la clé d’API Pixxel comme mot de passe (méthode Basic), ou laissez « Authentification » vide pour utiliser la clé enregistrée dans le panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>the authentication configuration {authcfg}</source>
            <translation>la configuration d’authentification {authcfg}</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>the {env_api_key} environment variable</source>
            <translation>la variable d’environnement {env_api_key}</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>the key saved in the Pixxel panel</source>
            <translation>la clé enregistrée dans le panneau Pixxel</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>Pixxel API: {base_url} (key from {connection_source}).</source>
            <translation>API Pixxel : {base_url} (clé issue de {connection_source}).</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>“{value}” is not a valid {what} id (a UUID such as ce5dcc14-8291-4b0c-a278-8c05ec426d22). {where}</source>
            <translation>« {value} » n’est pas un identifiant de {what} valide (un UUID tel que ce5dcc14-8291-4b0c-a278-8c05ec426d22). {where}</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Polygon layer</source>
            <translation>Couche de polygones</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The polygons to make the AOI from, in any CRS. Tick 'Selected features only' to use only the selected features.</source>
            <translation>Les polygones à partir desquels créer la zone, dans n’importe quel SCR. Cochez « Entités sélectionnées uniquement » pour n’utiliser que les entités sélectionnées.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Several polygons</source>
            <translation>Plusieurs polygones</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>'Merge into one polygon' (touching or overlapping polygons; refused when they stay apart), 'Convex hull' (one AOI around all), or 'One AOI per feature' (named NAME-1, NAME-2, ...).</source>
            <translation>« Fusionner en un seul polygone » (polygones qui se touchent ou se chevauchent ; refusé s’ils restent séparés), « Enveloppe convexe » (une zone autour de tous) ou « Une zone par entité » (nommées NOM-1, NOM-2, …).</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI name</source>
            <translation>Nom de la zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>A name not used by another of your AOIs (the name is how Pixxel avoids duplicates).</source>
            <translation>Un nom qu’aucune autre de vos zones n’utilise (le nom permet à Pixxel d’éviter les doublons).</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Free text stored with the AOI.</source>
            <translation>Texte libre enregistré avec la zone.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Project id</source>
            <translation>Identifiant du projet</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The UUID of the Pixxel project the AOI belongs to. Find it in the Project list of the Pixxel panel (its tooltip) or in the Pixxel web app under Projects.</source>
            <translation>L’UUID du projet Pixxel auquel appartient la zone. Vous le trouverez dans la liste Projet du panneau Pixxel (son info-bulle) ou dans l’application web Pixxel, rubrique Projects.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Satellite id</source>
            <translation>Identifiant du satellite</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The UUID of the satellite whose images you order (e.g. Fireflies / TD1, TD2, Sentinel-2). Find it in the Satellite list of the Pixxel panel or in the API's /v0/satellites answer.</source>
            <translation>L’UUID du satellite dont vous commandez les images (par ex. Fireflies / TD1, TD2, Sentinel-2). Vous le trouverez dans la liste Satellite du panneau Pixxel ou dans la réponse /v0/satellites de l’API.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Data provider</source>
            <translation>Fournisseur de données</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>'pixxel' for Pixxel's own satellites, 'planetary' for partner archives such as Sentinel-2.</source>
            <translation>« pixxel » pour les satellites de Pixxel, « planetary » pour les archives partenaires comme Sentinel-2.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Catalogue item ids (comma-separated)</source>
            <translation>Identifiants des images du catalogue (séparés par des virgules)</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The ids of the catalogue images to include, separated by commas, e.g. TD2_000650_20230404_L2A_20240405_01001067. Search them in the Pixxel panel (Search images) and copy the ids from the results table.</source>
            <translation>Les identifiants des images du catalogue à inclure, séparés par des virgules, par ex. TD2_000650_20230404_L2A_20240405_01001067. Cherchez-les dans le panneau Pixxel (Chercher des images) et copiez les identifiants depuis le tableau des résultats.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Stop waiting after (minutes, 0 = no limit)</source>
            <translation>Arrêter d’attendre après (minutes, 0 = sans limite)</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Gives up waiting after this many minutes (the AOI keeps processing on the server; load it later with 'Load AOI assets'). 0 waits until it has finished or you press Cancel.</source>
            <translation>Cesse d’attendre après ce nombre de minutes (le traitement de la zone continue sur le serveur ; chargez-la plus tard avec « Charger les produits d’une zone »). 0 attend la fin ou que vous cliquiez sur Annuler.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI boundary</source>
            <translation>Contour de la zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The AOI as Pixxel stored it, with its id, status, progress, area and metadata.</source>
            <translation>La zone telle que Pixxel l’a enregistrée, avec son identifiant, son état, sa progression, sa surface et ses métadonnées.</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>AOI id</source>
            <translation>Identifiant de la zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI ids (comma-separated)</source>
            <translation>Identifiants des zones (séparés par des virgules)</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Final status</source>
            <translation>État final</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Enter a name for the AOI.</source>
            <translation>Saisissez un nom pour la zone.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>project</source>
            <translation>projet</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Copy the project id from the Pixxel panel's Project list or the Pixxel web app.</source>
            <translation>Copiez l’identifiant du projet depuis la liste Projet du panneau Pixxel ou l’application web Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>satellite</source>
            <translation>satellite</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Copy the satellite id from the Pixxel panel's Satellite list.</source>
            <translation>Copiez l’identifiant du satellite depuis la liste Satellite du panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Give at least one catalogue item id (search images in the Pixxel panel and copy their ids).</source>
            <translation>Indiquez au moins un identifiant d’image du catalogue (cherchez des images dans le panneau Pixxel et copiez leurs identifiants).</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI geometry: {area_km2:,.3f} km², {vertex_count} vertices</source>
            <translation>Géométrie de la zone : {area_km2:,.3f} km², {vertex_count} sommets</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source> ({notes})</source>
            <translation> ({notes})</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI “{name}” created: id {aoi_id} ({status}).</source>
            <translation>Zone « {name} » créée : identifiant {aoi_id} ({status}).</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Creating “{name}” was cancelled; if the request had reached the server the AOI exists: see the Existing AOIs list of the Pixxel panel.</source>
            <translation>La création de « {name} » a été annulée ; si la requête avait atteint le serveur, la zone existe : voir la liste des zones existantes du panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Stopped waiting for “{name}” (AOI id {aoi_id}); it keeps processing on the server. Load it later with 'Load AOI assets'.</source>
            <translation>Attente de « {name} » arrêtée (identifiant {aoi_id}) ; son traitement continue sur le serveur. Chargez-la plus tard avec « Charger les produits d’une zone ».</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source> (AOI id {aoi_id})</source>
            <translation> (identifiant {aoi_id})</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>“{name}”{where}: {error}</source>
            <translation>« {name} »{where} : {error}</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI “{label}” ({aoi_id}) failed on the Pixxel side; no assets were produced.</source>
            <translation>La zone « {label} » ({aoi_id}) a échoué chez Pixxel ; aucun produit n’a été généré.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI “{label}” ({aoi_id}) finished with partial success: some assets are missing.</source>
            <translation>La zone « {label} » ({aoi_id}) a abouti partiellement : certains produits manquent.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>AOI “{label}” ({aoi_id}) finished: {status}.</source>
            <translation>Zone « {label} » ({aoi_id}) terminée : {status}.</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>The AOI failed on the Pixxel side ({ids}); no assets were produced. Check the chosen items and satellite, or contact Pixxel support.</source>
            <translation>La zone a échoué chez Pixxel ({ids}) ; aucun produit n’a été généré. Vérifiez les images et le satellite choisis, ou contactez le support Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features'.</source>
            <translation>L’identifiant de la zone, par exemple la sortie AOI_ID de « Créer une zone à partir d’entités ».</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Asset ids (comma-separated; empty: all)</source>
            <translation>Identifiants des produits (séparés par des virgules ; vide : tous)</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>The ids of the assets to download (the 'id' field of the asset layer), separated by commas. Empty: every asset of the AOI whose status is success.</source>
            <translation>Les identifiants des produits à télécharger (le champ « id » de la couche de produits), séparés par des virgules. Vide : tous les produits de la zone dont le statut est success.</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Download folder</source>
            <translation>Dossier de téléchargement</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Where the files go. Assets already in this folder are not downloaded again; an interrupted download resumes from its .part file.</source>
            <translation>Où vont les fichiers. Les produits déjà présents dans ce dossier ne sont pas téléchargés de nouveau ; un téléchargement interrompu reprend à partir de son fichier .part.</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Raster layers</source>
            <translation>Couches raster</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Number of assets on disk</source>
            <translation>Nombre de produits sur le disque</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>Enter the AOI id (e.g. the AOI_ID output of 'Create AOI from features').</source>
            <translation>Saisissez l’identifiant de la zone (par ex. la sortie AOI_ID de « Créer une zone à partir d’entités »).</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Cannot create the folder {folder} ({error}); choose a writable folder.</source>
            <translation>Impossible de créer le dossier {folder} ({error}) ; choisissez un dossier accessible en écriture.</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>The AOI has no asset {ids}. Check the asset ids (the 'id' field of the asset layer).</source>
            <translation>La zone n’a pas de produit {ids}. Vérifiez les identifiants (le champ « id » de la couche de produits).</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>The AOI has no asset ready to download (status success).</source>
            <translation>La zone n’a aucun produit prêt à télécharger (statut success).</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Downloading {n} asset(s) to {folder}</source>
            <translation>Téléchargement de {n} produit(s) dans {folder}</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Cancelled: partial files are kept as .part and resumed next time.</source>
            <translation>Annulé : les fichiers partiels sont gardés en .part et repris la prochaine fois.</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>No asset could be downloaded: {error}</source>
            <translation>Aucun produit n’a pu être téléchargé : {error}</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>One feature per AOI (MultiPolygon, EPSG:4326), styled by status.</source>
            <translation>Une entité par AOI (MultiPolygon, EPSG:4326), symbolisée par statut.</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>Number of AOIs</source>
            <translation>Nombre d’AOI</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>The AOIs could not be written to the output: {error}</source>
            <translation>Les AOI n’ont pas pu être écrites dans la sortie : {error}</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>The id of the AOI, e.g. the AOI_ID output of 'Create AOI from features', or the id shown in the Existing AOIs list of the Pixxel panel.</source>
            <translation>L’identifiant de la zone, par ex. la sortie AOI_ID de « Créer une zone à partir d’entités », ou l’identifiant affiché dans la liste des zones existantes du panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>Assets</source>
            <translation>Produits</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>The assets layer (MultiPolygon, EPSG:4326), one feature per asset.</source>
            <translation>La couche des produits (MultiPolygon, EPSG:4326), une entité par produit.</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>Number of assets</source>
            <translation>Nombre de produits</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>AOI status</source>
            <translation>État de la zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>AOI “{label}” is still {status} ({progress}%): only the assets ready now are loaded. Run this again when it has finished.</source>
            <translation>La zone « {label} » est encore {status} ({progress} %) : seuls les produits déjà prêts sont chargés. Relancez quand elle sera terminée.</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>AOI “{label}” failed on the Pixxel side; it may have no assets.</source>
            <translation>La zone « {label} » a échoué chez Pixxel ; elle n’a peut-être aucun produit.</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>Fetching the assets of “{label}”…</source>
            <translation>Récupération des produits de « {label} »…</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>Cancelled: no assets were loaded.</source>
            <translation>Annulé : aucun produit n’a été chargé.</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>The assets could not be written to the output: {error}</source>
            <translation>Les produits n’ont pas pu être écrits dans la sortie : {error}</translation>
        </message>
        <message>
            <location filename="../processing_provider/provider.py" />
            <source>Pixxel hyperspectral imagery (AOIs and assets)</source>
            <translation>Imagerie hyperspectrale Pixxel (zones et produits)</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>The polygons to search images for (any CRS).</source>
            <translation>Les polygones pour lesquels chercher des images (tout SCR).</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>From (YYYY-MM-DD)</source>
            <translation>Du (AAAA-MM-JJ)</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>To (YYYY-MM-DD)</source>
            <translation>Au (AAAA-MM-JJ)</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>A date such as 2024-03-31.</source>
            <translation>Une date comme 2024-03-31.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Maximum cloud cover (%)</source>
            <translation>Couverture nuageuse maximale (%)</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Images with more cloud cover are left out.</source>
            <translation>Les images plus nuageuses sont écartées.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>At most this many images</source>
            <translation>Au plus ce nombre d’images</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>The search stops after this many images.</source>
            <translation>La recherche s’arrête après ce nombre d’images.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Image footprints</source>
            <translation>Emprises des images</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>One feature per image (MultiPolygon, EPSG:4326).</source>
            <translation>Une entité par image (MultiPolygon, EPSG:4326).</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Item ids (comma-separated)</source>
            <translation>Identifiants d’images (séparés par des virgules)</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Number of images</source>
            <translation>Nombre d’images</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>Give the dates as YYYY-MM-DD, e.g. 2024-03-31 (got “{start}” and “{end}”).</source>
            <translation>Donnez les dates au format AAAA-MM-JJ, par exemple 2024-03-31 (reçu « {start} » et « {end} »).</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>The satellite {satellite_id} is not in the catalogue (or has no collection). Copy an id from the Pixxel panel's Satellite list.</source>
            <translation>Le satellite {satellite_id} n’est pas dans le catalogue (ou n’a pas de collection). Copiez un identifiant depuis la liste des satellites du panneau Pixxel.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>The footprints could not be written to the output: {error}</source>
            <translation>Les emprises n’ont pas pu être écrites dans la sortie : {error}</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>No image found: widen the dates or the cloud cover limit.</source>
            <translation>Aucune image trouvée : élargissez les dates ou la limite de couverture nuageuse.</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>{count} image(s) found.</source>
            <translation>{count} image(s) trouvée(s).</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>Time limit (minutes, 0: none)</source>
            <translation>Délai maximal (minutes, 0 : aucun)</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>AOI progress</source>
            <translation>Avancement de l’AOI</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>Cancelled: stopped waiting; the AOI keeps processing on the server.</source>
            <translation>Annulé : attente arrêtée ; l’AOI continue d’être traitée sur le serveur.</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>AOI “{name}”: {status}.</source>
            <translation>AOI « {name} » : {status}.</translation>
        </message>
        <message>
            <location filename="../ui/asset_rasters.py" />
            <source>Make a Pixxel asset layer the active layer and select the asset(s) to open (Select Features tool), then press “Open as raster”.</source>
            <translation>Rendez active une couche de produits Pixxel et sélectionnez les produits à ouvrir (outil Sélectionner des entités), puis cliquez sur « Ouvrir en raster ».</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>True colour (red, green, blue)</source>
            <translation>Couleurs naturelles (rouge, vert, bleu)</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>False colour (NIR, red, green)</source>
            <translation>Fausses couleurs (PIR, rouge, vert)</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Red edge (740, 705, 665 nm)</source>
            <translation>Red edge (740, 705, 665 nm)</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>SWIR (2190, 1610, 865 nm)</source>
            <translation>SWIR (2190, 1610, 865 nm)</translation>
        </message>
        <message>
            <location filename="../ui/downloads_section.py" />
            <source>Make a Pixxel asset layer the active layer (load an AOI's assets first).</source>
            <translation>Rendez active une couche de produits Pixxel (chargez d’abord les produits d’une zone).</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>rectangle</source>
            <translation>rectangle</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>polygon</source>
            <translation>polygone</translation>
        </message>
        <message>
            <location filename="../ui/draw_section.py" />
            <source>map extent</source>
            <translation>emprise de la carte</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>Merge into one polygon</source>
            <translation>Fusionner en un seul polygone</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>One AOI per feature</source>
            <translation>Une zone par entité</translation>
        </message>
        <message>
            <location filename="../processing_provider/common.py" />
            <source>Convex hull</source>
            <translation>Enveloppe convexe</translation>
        </message>
        <message>
            <location filename="../ui/geometry_section.py" />
            <source>No AOI geometry yet: select polygons and press “Use selection”.</source>
            <translation>Pas encore de géométrie de zone : sélectionnez des polygones et cliquez sur « Utiliser la sélection ».</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>ID</source>
            <translation>Identifiant</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>Cloud %</source>
            <translation>Nuages %</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>Platform</source>
            <translation>Plateforme</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>GSD (m)</source>
            <translation>GSD (m)</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>Off-nadir °</source>
            <translation>Dépointage °</translation>
        </message>
        <message>
            <location filename="../ui/item_table.py" />
            <source>Collection</source>
            <translation>Collection</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>GeoPackage</source>
            <translation>GeoPackage</translation>
        </message>
        <message>
            <location filename="../ui/output_options.py" />
            <source>Temporary layers (memory)</source>
            <translation>Couches temporaires (mémoire)</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>Create AOI from features</source>
            <translation>Créer une zone à partir d’entités</translation>
        </message>
        <message>
            <location filename="../processing_provider/create_aoi_algorithm.py" />
            <source>&lt;p&gt;Turns polygons into a Pixxel area of interest (AOI), creates it with the chosen project, satellite and catalogue items, and waits until Pixxel has finished processing it (progress is shown; Cancel stops waiting, the AOI keeps processing on the server).&lt;/p&gt;&lt;p&gt;The polygons are reprojected to WGS 84, repaired, merged (or their convex hull is taken, or one AOI is made per feature) and checked exactly as in the Pixxel panel. Tick &lt;i&gt;Selected features only&lt;/i&gt; next to the input layer to use the selection.&lt;/p&gt;&lt;p&gt;Outputs: the AOI id (&lt;b&gt;AOI_ID&lt;/b&gt;; with 'One AOI per feature' all ids are in &lt;b&gt;AOI_IDS&lt;/b&gt;), the final status and a layer with the AOI boundary. Feed AOI_ID to &lt;i&gt;Load AOI assets&lt;/i&gt; in a model.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Transforme des polygones en zone d’intérêt (AOI) Pixxel, la crée avec le projet, le satellite et les images du catalogue choisis, et attend que Pixxel ait fini de la traiter (la progression est affichée ; Annuler arrête l’attente, le traitement de la zone continue sur le serveur).&lt;/p&gt;&lt;p&gt;Les polygones sont reprojetés en WGS 84, réparés, fusionnés (ou leur enveloppe convexe est prise, ou une zone est créée par entité) et vérifiés exactement comme dans le panneau Pixxel. Cochez &lt;i&gt;Entités sélectionnées uniquement&lt;/i&gt; à côté de la couche en entrée pour utiliser la sélection.&lt;/p&gt;&lt;p&gt;Sorties : l’identifiant de la zone (&lt;b&gt;AOI_ID&lt;/b&gt; ; avec « Une zone par entité », tous les identifiants sont dans &lt;b&gt;AOI_IDS&lt;/b&gt;), l’état final et une couche avec le contour de la zone. Passez AOI_ID à &lt;i&gt;Charger les produits d’une zone&lt;/i&gt; dans un modèle.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>Download AOI assets</source>
            <translation>Télécharger les produits d’une zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/download_assets_algorithm.py" />
            <source>&lt;p&gt;Downloads assets of a Pixxel AOI into a folder: all assets whose status is success, or only the asset ids given. Each download is requested from the Pixxel API, followed until it is ready and fetched from its signed link (resumed after a dropped connection, renewed if the link expired, size checked; archives are unpacked). Assets already in the folder are not downloaded again.&lt;/p&gt;&lt;p&gt;Outputs the folder and the downloaded rasters, opened in true colour.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Télécharge les produits d’une zone Pixxel dans un dossier : tous les produits dont le statut est success, ou seulement les identifiants donnés. Chaque téléchargement est demandé à l’API Pixxel, suivi jusqu’à ce qu’il soit prêt et récupéré par son lien signé (repris après une coupure, renouvelé si le lien a expiré, taille vérifiée ; les archives sont décompressées). Les produits déjà présents dans le dossier ne sont pas téléchargés de nouveau.&lt;/p&gt;&lt;p&gt;Renvoie le dossier et les rasters téléchargés, ouverts en couleurs naturelles.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>List AOIs</source>
            <translation>Lister les AOI</translation>
        </message>
        <message>
            <location filename="../processing_provider/list_aois_algorithm.py" />
            <source>&lt;p&gt;Lists every AOI of the account as a polygon layer in WGS 84 with the fields of the Pixxel AOI board: name, id, status, progress, created, updated, asset count, project, satellite, provider and item ids (asset count stays empty here: it takes one request per AOI).&lt;/p&gt;</source>
            <translation>&lt;p&gt;Liste toutes les AOI du compte dans une couche de polygones en WGS 84 avec les champs du tableau des AOI Pixxel : nom, identifiant, statut, avancement, création, mise à jour, nombre d’assets, projet, satellite, fournisseur et identifiants d’images (le nombre d’assets reste vide ici : il demande une requête par AOI).&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>Load AOI assets</source>
            <translation>Charger les produits d’une zone</translation>
        </message>
        <message>
            <location filename="../processing_provider/load_assets_algorithm.py" />
            <source>&lt;p&gt;Fetches every asset of a Pixxel AOI (all pages) and writes them to a polygon layer in WGS 84 with the same typed attributes as the Pixxel panel's asset layer (id, name, type, status, dates, area, resolution, bands, download path, ...). Assets without a usable footprint are kept as rows without geometry.&lt;/p&gt;&lt;p&gt;When the AOI is still processing, the assets ready so far are loaded and a warning says so.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Récupère tous les produits d’une zone Pixxel (toutes les pages) et les écrit dans une couche de polygones en WGS 84 avec les mêmes attributs typés que la couche de produits du panneau Pixxel (identifiant, nom, type, état, dates, surface, résolution, bandes, chemin de téléchargement, …). Les produits sans emprise utilisable sont conservés comme lignes sans géométrie.&lt;/p&gt;&lt;p&gt;Si la zone est encore en cours de traitement, les produits déjà prêts sont chargés et un avertissement le signale.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/search_images_algorithm.py" />
            <source>&lt;p&gt;Searches the Pixxel catalogue for images of one satellite over the polygons of a layer (the selected ones with 'Selected features only'; several polygons: their convex hull), between two dates (YYYY-MM-DD, both included) and at most the given cloud cover. Gives their footprints (item id, date, cloud cover, collection, ground sample distance) and the ITEM_IDS output, the comma-separated ids to give to 'Create AOI from features' in a model.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Cherche dans le catalogue Pixxel les images d’un satellite sur les polygones d’une couche (les sélectionnés avec « Entités sélectionnées uniquement » ; plusieurs polygones : leur enveloppe convexe), entre deux dates (AAAA-MM-JJ, incluses) et au plus à la couverture nuageuse donnée. Donne leurs emprises (identifiant, date, couverture nuageuse, collection, résolution au sol) et la sortie ITEM_IDS, les identifiants séparés par des virgules à donner à « Créer une AOI à partir d’entités » dans un modèle.&lt;/p&gt;</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>Wait for AOI</source>
            <translation>Attendre l’AOI</translation>
        </message>
        <message>
            <location filename="../processing_provider/wait_for_aoi_algorithm.py" />
            <source>&lt;p&gt;Waits until a Pixxel AOI has finished processing (success, partial success or failed), asking the API less and less often, and returns its id, final status and progress, to chain into 'Load AOI assets' in a model. Cancel stops waiting; the AOI keeps processing on the server.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time limit&lt;/b&gt;: 0 waits as long as it takes; otherwise the algorithm fails after that many minutes.&lt;/p&gt;</source>
            <translation>&lt;p&gt;Attend la fin du traitement d’une AOI Pixxel (succès, succès partiel ou échec), en interrogeant l’API de moins en moins souvent, et renvoie son identifiant, son statut final et son avancement, à enchaîner avec « Charger les assets de l’AOI » dans un modèle. Annuler arrête l’attente ; l’AOI continue d’être traitée sur le serveur.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Délai maximal&lt;/b&gt; : 0 attend aussi longtemps qu’il le faut ; sinon l’algorithme échoue après ce nombre de minutes.&lt;/p&gt;</translation>
        </message>
    </context>
</TS>
