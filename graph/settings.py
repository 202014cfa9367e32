"""Typed settings, from the environment (and a .env file when present)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Neo4j. Without NEO4J_URI the project's own local server (ops/neo4j_local.py) is used.
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    # Client-side transaction timeout for every query the service sends (seconds).
    query_timeout_s: float = Field(default=15.0, gt=0)
    # Writes of one import batch may take longer than a read.
    write_timeout_s: float = Field(default=120.0, gt=0)
    import_batch_size: int = Field(default=5000, ge=1, le=100_000)
    # Refuse imports posted over GraphQL above this size; the CLI streams files of any size.
    import_max_bytes: int = 20_000_000

    # GraphQL request limits (guard the server against expensive or abusive queries).
    graphql_max_depth: int = 12
    graphql_max_tokens: int = 5000
    graphql_max_aliases: int = 30

    log_level: str = "INFO"
    log_json: bool | None = None  # None: JSON when stdout is not a terminal


@lru_cache
def get_settings() -> Settings:
    return Settings()
