"""The risk app's tables: statistics rollups (``rollup``) and risk warnings (``warning``)."""

from risk.models.rollup import CaseFact, Rollup, RollupDays, RollupState

__all__ = ["CaseFact", "Rollup", "RollupDays", "RollupState"]
