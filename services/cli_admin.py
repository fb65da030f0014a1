"""Commands of manage.py: audit backup."""

from __future__ import annotations

import argparse


def run_audit(args: argparse.Namespace) -> int:
    raise NotImplementedError("audit is not built yet")


def run_backup(args: argparse.Namespace) -> int:
    raise NotImplementedError("backup is not built yet")
