"""The `load` marker (also listed in pyproject.toml once registered there)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "load: concurrent browser sessions against one server (SVARSTID_LOAD=1)"
    )
