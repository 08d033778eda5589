"""`python -m bot`: the same commands as the `briefbot` console script."""

from __future__ import annotations

from bot.cli import main

raise SystemExit(main())
