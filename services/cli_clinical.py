"""Commands of manage.py: evaluate flags outcomes."""

from __future__ import annotations

import argparse


def run_evaluate(args: argparse.Namespace) -> int:
    raise NotImplementedError("evaluate is not built yet")


def run_flags(args: argparse.Namespace) -> int:
    raise NotImplementedError("flags is not built yet")


def run_outcomes(args: argparse.Namespace) -> int:
    raise NotImplementedError("outcomes is not built yet")
