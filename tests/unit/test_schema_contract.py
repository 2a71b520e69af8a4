"""The committed schema.graphql is the contract the dashboard's types are generated from."""

from gql.schema import export_sdl
from tests.conftest import REPO


def test_schema_file_matches_the_code():
    committed = (REPO / "schema.graphql").read_text()
    assert committed == export_sdl(), (
        "schema.graphql is out of date: run `uv run leadscore export-schema` and commit it "
        "(then rebuild the dashboard: its types are generated from it)"
    )
