# Production image: compiled app, production dependencies only, non-root user.
# The embedded PostgreSQL is for `npm start` on a bare machine; in containers set DATABASE_URL.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Live memory is ~50 MB; without a cap V8 lets garbage grow the heap to ~350 MB before collecting. Under
# this cap V8 grows it by only 30 % past each full GC, and uploads' buffers count against that room, so
# under upload load it collected every ~200 ms; with 2.5-fold growth, every few seconds (README, Benchmark).
CMD ["node", "--max-old-space-size=192", "--heap-growing-percent=150", "dist/src/main.js"]
