"""`python -m boardkit`: the CLI. Ctrl-C while it is still starting up is one line too."""

import sys

try:
    from boardkit.cli.main import main
except KeyboardInterrupt:
    sys.stderr.write("boardkit: interrupted\n")
    sys.exit(130)

sys.exit(main())
