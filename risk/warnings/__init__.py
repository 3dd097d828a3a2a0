"""Risk warnings (风险预警): the rules that read a county's cases (``rules``), the scan that
turns their findings into warnings and the leaders' acknowledge and handle (``services``,
``tasks``), the reads (``selectors``), the pages (``views``) and the API (``api``)."""
