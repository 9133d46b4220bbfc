import pytest


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory):
    """One folder for every training run of the session, so that each subset's judge is trained
    once and then read from its cache beside the runs, as it is for a user."""
    return tmp_path_factory.mktemp("runs")
