"""The risk app's tables: statistics rollups (``rollup``) and risk warnings (``warning``)."""

from risk.models.rollup import CaseFact, OverdueCell, Rollup, RollupDays, RollupState
from risk.models.warning import RiskKeyword, RiskWarning, ScanState, WarningRule

__all__ = [
    "CaseFact",
    "OverdueCell",
    "RiskKeyword",
    "RiskWarning",
    "Rollup",
    "RollupDays",
    "RollupState",
    "ScanState",
    "WarningRule",
]
