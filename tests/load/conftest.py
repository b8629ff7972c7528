"""The load test reuses the browser journeys' server and chromium fixtures."""

from tests.e2e.conftest import browser, server, server_env  # noqa: F401
