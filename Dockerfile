# Production image: the compiled app and its production dependencies, run by a non-root user.
# In a container, set DATABASE_URL: the embedded PostgreSQL (for `npm start` on a bare machine) is not in
# the image, and without DATABASE_URL the app stops at boot and says so.
#
# Node 24 is an LTS line with security fixes until April 2028; the tag is pinned so that a rebuild gets
# the same Node, and is bumped on purpose. Every stage uses the same base.
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# --- compile ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
# The bench is not copied: it is a development tool, and tsconfig.build.json compiles it only when present.
RUN npm run build

# --- production dependencies -----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional leaves out the embedded PostgreSQL binaries (@embedded-postgres/<platform>, ~60 MB,
# optional dependencies of embedded-postgres, loaded only when DATABASE_URL is unset) and pg-cloudflare
# (pg's optional Cloudflare Workers socket); nothing else in the production tree is optional.
# --ignore-scripts: no production dependency needs an install script (the only one is an analytics ping).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# --- runtime -----------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and not writable by the app's user. package.json tells Node the code is ES modules.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
# DATA_DIR holds files only with STORAGE_DRIVER=local: mount a volume at /data then. No VOLUME line, so
# that a deployment on S3 (docker-compose.yml) does not get an anonymous volume it never uses.
RUN mkdir -p /data && chown node:node /data
# The image's `node` user (uid 1000), by number so that runAsNonRoot checks can verify it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Live memory is ~50 MB; without a cap V8 lets garbage grow the heap to ~350 MB before collecting. Under
# this cap V8 grows it by only 30 % past each full GC, and uploads' buffers count against that room, so
# under upload load it collected every ~200 ms; with 2.5-fold growth, every few seconds (README, Benchmark).
CMD ["node", "--max-old-space-size=192", "--heap-growing-percent=150", "dist/src/main.js"]
