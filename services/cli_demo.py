"""Commands of manage.py: demo."""

from __future__ import annotations

import argparse


def run_demo(args: argparse.Namespace) -> int:
    raise NotImplementedError("demo is not built yet")
