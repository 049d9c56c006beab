"""``bptui --web``: the same TUI served to a browser through textual-serve (issue 9)."""

from .server import serve

__all__ = ["serve"]
