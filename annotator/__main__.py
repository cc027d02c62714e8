"""``python -m annotator`` runs the command-line front door."""

import sys

from annotator.cli import main

if __name__ == "__main__":
    sys.exit(main())
