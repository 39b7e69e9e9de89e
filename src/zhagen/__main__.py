"""``python -m zhagen`` runs the command line."""

import sys

from zhagen.cli import main

sys.exit(main())
