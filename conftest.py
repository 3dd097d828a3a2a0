pytest_plugins = ["tests.fixtures", "tests.celery_worker", "tests.browser"]
