"""The risk app's tables: statistics rollups (``rollup``), risk warnings (``warning``) and
the ledger's export jobs (``export_job``)."""

from risk.models.export_job import ExportJob
from risk.models.rollup import CaseFact, OverdueCell, Rollup, RollupDays, RollupState
from risk.models.warning import RiskKeyword, RiskWarning, ScanState, WarningRule

__all__ = [
    "CaseFact",
    "ExportJob",
    "OverdueCell",
    "RiskKeyword",
    "RiskWarning",
    "Rollup",
    "RollupDays",
    "RollupState",
    "ScanState",
    "WarningRule",
]
