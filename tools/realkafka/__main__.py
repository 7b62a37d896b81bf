"""``python3 -m tools.realkafka ...``: see :mod:`tools.realkafka.cli`."""

import sys

from .cli import main

sys.exit(main())
