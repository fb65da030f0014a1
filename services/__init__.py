"""Use cases shared by the pages and manage.py: who may see what, load, compute, audit."""
