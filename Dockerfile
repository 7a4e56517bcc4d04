# One image for every role: `docker run IMAGE <role>` (collector, processor, sink, api, exporter,
# lab, registry, inventory, token, credentials). It runs the compiled JavaScript (`npm run build`,
# bin/build.mjs) with node: no TypeScript sources, tests or benches in it (tsx is in node_modules,
# a production dependency of the checkout's entry, unused here). The dashboard is built once here.
# The image is not built on the development machines (no Docker engine there);
# test/compiled-build.test.ts runs the same build with plain node and checks this file's shape.

# --- build: full dependencies (typescript, vite) to compile the roles and build the dashboard --
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui && npm run build

# --- runtime: the build and the production packages -----------------------------------------
FROM node:20-slim
# python3-venv: snmpsim for the lab; fping: ICMP collector (Debian ships it with cap_net_raw).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates python3 python3-venv fping iproute2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY infra/python-requirements.txt infra/python-requirements.txt
# Same venv place and marker as infra/install.ts, so nothing is reinstalled at run time.
RUN python3 -m venv .cache/venv \
 && .cache/venv/bin/pip install --no-cache-dir --disable-pip-version-check -r infra/python-requirements.txt \
 && sha256sum infra/python-requirements.txt | cut -d' ' -f1 > .cache/venv/.requirements.sha256
# The build mirrors the repository's folders (bin/, schemas/, devices/ …, package.json, ui/dist):
# its content becomes /app, beside node_modules.
COPY --from=build /app/dist/ ./
RUN mkdir -p .run && chown node:node .run
USER node
# /healthz, /readyz, /metrics of every role
ENV OPS_HOST=0.0.0.0 OPS_PORT=9464
EXPOSE 9464
# SNMP traps and informs of the traps role (unprivileged: the image runs as node; map 162 to it)
EXPOSE 10162/udp
ENTRYPOINT ["node", "bin/main.js"]
CMD ["help"]
