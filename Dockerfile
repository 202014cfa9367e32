# The API image for deployment (docker-compose.yml). Neo4j (and Keycloak) run as their own images.

# The web pages' scripts and styles (GraphiQL, Swagger UI, Redoc), pinned by api/web/package-lock.json: served by the
# API itself, since regulators' networks are often offline.
FROM node:20-slim AS web
WORKDIR /web
COPY api/web/package.json api/web/package-lock.json api/web/.npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
WORKDIR /app
# The CJK font the PDF reports embed a subset of (graph/reports/pdf.py).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
# Dependencies from the lock file (hashes checked), then the project alone with the locked build backend. The install
# is editable so that the statements in cypher/ are found beside the packages, as in a checkout.
COPY pyproject.toml README.md requirements/deploy.lock ./
RUN pip install --no-cache-dir --require-hashes -r deploy.lock
COPY api ./api
COPY graph ./graph
COPY seed ./seed
COPY cypher ./cypher
COPY --from=web /web/node_modules ./api/web/node_modules
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e . && useradd --system tracegraph
USER tracegraph
ENV LOG_JSON=true
EXPOSE 8000
CMD ["tracegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
