"""Every way in: the FastAPI app (GraphQL, CSV, health), and the CLI. No Cypher, no business rules."""
