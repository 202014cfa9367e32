# The API image for deployment (docker-compose.yml). Neo4j runs as its own official image.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md requirements/deploy.lock ./
COPY api ./api
COPY graph ./graph
COPY seed ./seed
COPY cypher ./cypher
# Dependencies from the lock file (hashes checked), then the project alone with the locked build backend.
RUN pip install --no-cache-dir --require-hashes -r deploy.lock \
    && pip install --no-cache-dir --no-deps --no-build-isolation . && useradd --system tracegraph
USER tracegraph
ENV LOG_JSON=true
EXPOSE 8000
CMD ["tracegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
