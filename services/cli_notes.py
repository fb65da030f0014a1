"""Commands of manage.py: notes."""

from __future__ import annotations

import argparse


def run_notes(args: argparse.Namespace) -> int:
    raise NotImplementedError("notes is not built yet")
