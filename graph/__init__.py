"""The domain and its Neo4j access: one module per capability. Knows nothing of HTTP."""
