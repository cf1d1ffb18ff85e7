# CAT-CDS container image: multi-stage build on Node.js 24 (LTS), production dependencies only. The
# application is owned by root and read-only; only /data (the SQLite store) is writable by `node`.
# Build: docker build -t cat-cds .
# Run (production mode needs a public URL, an HMAC key and trusted clients; the example file holds
# public keys only; --stop-timeout exceeds CDS_SHUTDOWN_GRACE_MS, 10 s, so in-flight calls finish):
#   docker run --init --stop-timeout 15 -p 127.0.0.1:3000:3000 \
#     -e CDS_PUBLIC_URL=http://localhost:3000 -e CDS_AUDIT_HMAC_KEY="$(openssl rand -hex 32)" \
#     -e CDS_TRUSTED_CLIENTS=/run/config/trusted-clients.json \
#     -v "$PWD/docker/trusted-clients.example.json:/run/config/trusted-clients.json:ro" \
#     -v cat-cds-data:/data cat-cds

FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && date -u +%FT%TZ > dist/.build-stamp && npm prune --omit=dev \
 && rm -rf node_modules/.cache
# Keep only better-sqlite3's compiled addon: its sources and object files (about 25 MB) are build leftovers.
RUN cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . \
 && rm -rf build deps src binding.gyp \
 && mkdir -p build/Release && mv better_sqlite3.node build/Release/

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CDS_STORE_URL=sqlite:/data/cat-cds.db
WORKDIR /app
# Owned by root (COPY's default) and not writable by the runtime user: a compromised process cannot
# rewrite its own code.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY hooks ./hooks
# Example requests for `cat-cds example` (the README's curl example).
COPY docs/examples ./docs/examples
RUN chmod -R a-w /app && mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node directly (not npm) so SIGTERM reaches the process; run with --init (or tini) to reap children.
CMD ["node", "--enable-source-maps", "bin/cat-cds.js", "serve"]
