"""The clinical rules of KAP Caseload: pure Python and pandas, nothing else of ours.

Nothing in this package may import streamlit, sqlalchemy or any other package of the
project (ARCHITECTURE.md rule 1); a test walks the imports to keep it that way.
"""
