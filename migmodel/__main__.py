"""Allow ``python -m migmodel``."""

import sys

from migmodel.cli import main

sys.exit(main())
