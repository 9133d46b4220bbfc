"""`python -m bumptui`: the same as the console script `bumptui`."""
import sys

from bumptui.cli.main import main

sys.exit(main())
