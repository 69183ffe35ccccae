"""``python -m rnnviz``: the same entry point as the ``rnnviz`` command."""

import sys

from rnnviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
