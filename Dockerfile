# syntax=docker/dockerfile:1
# CAT-CDS container image: multi-stage build, production dependencies only, non-root, with a health check.
# Build: docker build -t cat-cds .      Run: docker run --init -p 3000:3000 -v cat-cds-data:/data cat-cds

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && date -u +%FT%TZ > dist/.build-stamp && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CDS_STORE_URL=sqlite:/data/cat-cds.db
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node hooks ./hooks
# Example requests for `cat-cds example` (the README's curl example).
COPY --chown=node:node docs/examples ./docs/examples
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node directly (not npm) so SIGTERM reaches the process; run with --init (or tini) to reap children.
CMD ["node", "--enable-source-maps", "bin/cat-cds.js", "serve"]
