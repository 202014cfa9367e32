"""The service's browser pages: GraphiQL at /graphql, Swagger UI at /docs and Redoc at /redoc. Every script and
style they load is served by the service itself (api/web/assets.py), since regulators' networks often have no
internet."""
