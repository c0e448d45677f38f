# syntax=docker/dockerfile:1
# Build stage: Node 24 LTS on Debian bookworm, the project's own worker build
# script (it fetches meson from bookworm-backports and Debian's libsrtp2 source
# itself, through a private apt configuration), the client bundle.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential dpkg-dev xz-utils pkg-config python3 ninja-build \
      libuv1-dev libssl-dev libabsl-dev flatbuffers-compiler libflatbuffers-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# The image's npm may predate "allowScripts": skip install scripts, then run
# esbuild's and the worker step explicitly.
ENV AULA_CACHE_DIR=/tmp/aula-cache
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild \
 && node scripts/mediasoup-worker/obtain.mjs \
 && rm -rf /tmp/aula-cache
COPY tsconfig.json tsconfig.base.json ./
COPY shared ./shared
COPY server ./server
COPY client ./client
RUN node scripts/build-client.mjs

# Run stage: only the runtime libraries the worker links against (libsrtp is
# inside it), and ffmpeg with a font for recordings.
FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1 libssl3 libabsl20220623 \
    ffmpeg fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# Signing key, admin token and room list live here (0700, owned by the app user).
RUN mkdir -p /var/lib/aula && chown node:node /var/lib/aula && chmod 0700 /var/lib/aula
VOLUME /var/lib/aula
ENV NODE_ENV=production \
    AULA_HTTP_HOST=0.0.0.0 \
    AULA_HTTP_PORT=3000 \
    AULA_DATA_DIR=/var/lib/aula \
    AULA_ROOMS_DEMO_ROOM=false \
    AULA_MEDIA_LISTEN_IP=0.0.0.0 \
    AULA_MEDIA_WEBRTC_SERVER_PORT=44400
USER node
EXPOSE 3000/tcp 44400-44403/udp 44400-44403/tcp
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node_modules/.bin/tsx", "server/main.ts"]
