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
COPY pyproject.toml setup.py README.md ./
COPY src ./src
COPY alembic ./alembic
COPY --from=web /src/web/dist ./web/dist
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    REPAIRBOOK_ENV=production \
    REPAIRBOOK_DATA_DIR=/var/lib/repairbook
COPY --from=build /install /usr/local
RUN useradd --system --home-dir /var/lib/repairbook --create-home repairbook
USER repairbook
WORKDIR /var/lib/repairbook
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["repairbook", "serve", "--host", "0.0.0.0", "--port", "8000"]
