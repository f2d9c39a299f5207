"""`python3 -m llconform`: the same as `./llconform`."""
import sys

from .cli import main

sys.exit(main())
