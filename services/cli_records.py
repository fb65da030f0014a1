"""Commands of manage.py: init_db import users export."""

from __future__ import annotations

import argparse


def run_init_db(args: argparse.Namespace) -> int:
    raise NotImplementedError("init_db is not built yet")


def run_import(args: argparse.Namespace) -> int:
    raise NotImplementedError("import is not built yet")


def run_users(args: argparse.Namespace) -> int:
    raise NotImplementedError("users is not built yet")


def run_export(args: argparse.Namespace) -> int:
    raise NotImplementedError("export is not built yet")
