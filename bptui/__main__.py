"""``python -m bptui`` is the same as the ``bptui`` command."""

from bptui.cli import main

raise SystemExit(main())
