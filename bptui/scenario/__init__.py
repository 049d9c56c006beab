"""Reading scenario files (SPEC 3): TOML in, a validated :class:`bptui.engine.Scenario` out.

(Being written: see ``loader.py``.)
"""
