"""Run the command line: ``python -m privacy --help``."""

from privacy.cli import main

raise SystemExit(main())
