# Production image: the API (`repairbook serve`, which also serves the web app at /) and
# the worker (`repairbook worker`).
FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphql /src/schema.graphql
COPY web ./
RUN npx graphql-codegen --config codegen.ts && npx vite build

FROM python:3.11-slim AS build
WORKDIR /src
# Exactly the locked packages, each checked against its hash (scripts/lock writes the lock),
# the build backend included; then the project itself, built by that backend.
RUN python -m venv /opt/repairbook
COPY requirements.lock ./
RUN /opt/repairbook/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml setup.py README.md ./
COPY src ./src
COPY alembic ./alembic
COPY --from=web /src/web/dist ./web/dist
RUN /opt/repairbook/bin/pip install --no-cache-dir --no-deps --no-build-isolation .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PATH=/opt/repairbook/bin:$PATH \
    REPAIRBOOK_ENV=production \
    REPAIRBOOK_DATA_DIR=/var/lib/repairbook \
    REPAIRBOOK_WORKER_METRICS_HOST=0.0.0.0
COPY --from=build /opt/repairbook /opt/repairbook
RUN useradd --system --home-dir /var/lib/repairbook --create-home repairbook
USER repairbook
WORKDIR /var/lib/repairbook
# 8000: the API (its /metrics for the holder of REPAIRBOOK_METRICS_TOKEN); 9101: the worker's.
EXPOSE 8000 9101
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["repairbook", "serve", "--host", "0.0.0.0", "--port", "8000"]
