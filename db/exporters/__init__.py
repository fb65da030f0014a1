"""Writers that turn exported records into files: CSV for spreadsheets, a FHIR Bundle."""
