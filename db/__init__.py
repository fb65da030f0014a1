"""Storage: SQLAlchemy 2.0 models, engine, repositories, importers, audit log, demo clinic.

May use `clinical/` (importers validate with the instrument definitions), never streamlit.
"""
