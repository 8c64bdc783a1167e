"""Patient facts: the typed model, and readers for FHIR bundles, facts files and chat messages."""
