"""Background work: QgsTask shells around the network calls, and the polling functions they run."""
