"""The four panes and the status line; each watches the App's ``state`` snapshot."""

from .chain_rule import ChainRulePane
from .inspector import InspectorPane
from .loss import LossPane
from .network import NetworkPane
from .status import PaneTabs, StatusLine

__all__ = ["ChainRulePane", "InspectorPane", "LossPane", "NetworkPane", "PaneTabs", "StatusLine"]
