# One image for every role: `docker run IMAGE <role>` (collector, processor, sink, api, lab,
# registry, inventory, token). TypeScript runs through tsx, as in development; the dashboard is
# built once here. The image is not built on the development machines (no Docker engine there).

# --- build: full dependencies (vite, typescript) to build the dashboard ----------------------
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:ui

# --- runtime ----------------------------------------------------------------------------------
FROM node:20-slim
# python3-venv: snmpsim for the lab; fping: ICMP collector (Debian ships it with cap_net_raw).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates python3 python3-venv fping iproute2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx is a runtime dependency; vite and typescript stay in the build stage.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY infra/python-requirements.txt infra/python-requirements.txt
# Same venv place and marker as infra/install.ts, so nothing is reinstalled at run time.
RUN python3 -m venv .cache/venv \
 && .cache/venv/bin/pip install --no-cache-dir --disable-pip-version-check -r infra/python-requirements.txt \
 && sha256sum infra/python-requirements.txt | cut -d' ' -f1 > .cache/venv/.requirements.sha256
COPY . .
COPY --from=build /app/ui/dist ui/dist
RUN mkdir -p .run && chown node:node .run
USER node
# /healthz, /readyz, /metrics of every role
ENV OPS_HOST=0.0.0.0 OPS_PORT=9464
EXPOSE 9464
# SNMP traps and informs of the traps role (unprivileged: the image runs as node; map 162 to it)
EXPOSE 10162/udp
ENTRYPOINT ["node", "bin/opsconductor.mjs"]
CMD ["help"]
