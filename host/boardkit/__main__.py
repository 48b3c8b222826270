import sys

from boardkit.cli.main import main

sys.exit(main())
