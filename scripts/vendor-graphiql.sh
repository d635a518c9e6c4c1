#!/usr/bin/env bash
# Copies GraphiQL and its dependencies from the npm registry into the package, so the
# explorer works offline and under a strict CSP. Re-run to upgrade; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/repairbook/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent react@18.2.0 react-dom@18.2.0 graphiql@3.8.3 @graphiql/plugin-explorer@1.0.2 >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
cp "$work"/react-18.2.0/package/umd/react.production.min.js "$dest/"
cp "$work"/react-dom-18.2.0/package/umd/react-dom.production.min.js "$dest/"
cp "$work"/graphiql-3.8.3/package/graphiql.min.js "$work"/graphiql-3.8.3/package/graphiql.min.css "$dest/"
cp "$work"/graphiql-plugin-explorer-1.0.2/package/dist/index.umd.js "$dest/plugin-explorer.umd.js"
cp "$work"/graphiql-plugin-explorer-1.0.2/package/dist/style.css "$dest/plugin-explorer.css"
cp "$work"/graphiql-3.8.3/package/LICENSE "$dest/LICENSE.graphiql"
echo "vendored into $dest"
