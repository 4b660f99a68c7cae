# syntax=docker/dockerfile:1
# Find This Fit: the search server (`find-this-fit serve`) and the ingest CLI (`ftf-ingest`) in one image.
# UNTESTED HERE: Docker cannot run on the machines this project is built on (see DEPLOYMENT.md).
#
#   docker build -t find-this-fit .
#   docker run --rm -p 8787:8787 -e FTF_OPEN=true -e FTF_MODEL=fixture find-this-fit     # embedded PGlite demo
#
# Models are not baked in: mount a folder with the preset's files at /models (FTF_IMAGE_SEARCH_MODEL_DIR for server-side
# image search, `modelDir` in the ingest config), or let the process download the pinned revision from the hub.

# --- build: install with the lockfile, build sdk + server + ingest, cut self-contained production folders ----
FROM node:20-bookworm-slim AS build
# pnpm at the version pinned in package.json's packageManager (corepack's signature check fails on some
# registries); onnxruntime-node's postinstall would fetch CUDA libraries we do not use.
ARG PNPM_VERSION=10.34.9
ENV ONNXRUNTIME_NODE_INSTALL=skip CI=true
RUN npm install -g --no-fund --no-audit "pnpm@${PNPM_VERSION}"
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter @find-this-fit/sdk --filter @find-this-fit/server --filter @find-this-fit/ingest run build \
 && pnpm --filter @find-this-fit/server deploy --prod --legacy /out/server \
 && pnpm --filter @find-this-fit/ingest deploy --prod --legacy /out/ingest \
 && for p in server ingest; do rm -rf "/out/$p/dist" && cp -r "packages/$p/dist" "/out/$p/dist"; done
# (dist/ is git-ignored, so the copy above makes sure the built code is in, whatever the packer skips)

# --- runtime: Node 20, production dependencies only, non-root --------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    FTF_DATA_DIR=/data/ftf-data \
    HF_HOME=/data/hf-cache
WORKDIR /app
COPY --from=build /out/server /app/server
COPY --from=build /out/ingest /app/ingest
RUN ln -s /app/server/dist/cli.js /usr/local/bin/find-this-fit \
 && ln -s /app/ingest/dist/cli.js /usr/local/bin/ftf-ingest \
 && chmod +x /app/server/dist/cli.js /app/ingest/dist/cli.js \
 && mkdir -p /data /models \
 && chown node:node /data /models
# The `node` user (uid 1000) of the official image: PostgreSQL-style "never as root".
USER node
VOLUME ["/data"]
EXPOSE 8787
# /healthz answers while the process is up; orchestrators should gate traffic on /readyz (database reachable).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["find-this-fit", "serve"]
