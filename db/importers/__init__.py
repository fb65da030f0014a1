"""Readers that turn a clinic's files (CSV, FHIR) into `db.records.ImportBatch`es."""
