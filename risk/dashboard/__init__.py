"""The leaders' dashboard (领导驾驶舱): the figures (``kpis``) read from the rollups that a
Celery beat task keeps current (``rollups``, ``tasks``), the rates as the case list's
drill-downs (``shares``), the page (``views``) and the statistics API (``api``)."""
