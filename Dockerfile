# The Warden MCP server (`warden serve`) as a container.
#   docker build -t warden-mcp .
#   docker run -p 8000:8000 -e ENTRA_TENANT_ID=… -e ENTRA_API_AUDIENCE=… -e MCP_ALLOWED_HOSTS=mcp.example.com warden-mcp
# Three stages: compile with dev dependencies, install production dependencies alone, and a
# runtime image holding only those plus the compiled JavaScript, run as an unprivileged user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY agent agent
COPY auth auth
COPY config config
COPY mcp-server mcp-server
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    MCP_PORT=8000
WORKDIR /app
# Owned by root and read-only for the `node` user the server runs as.
COPY package.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/dist/agent dist/agent
COPY --from=build /app/dist/auth dist/auth
COPY --from=build /app/dist/config dist/config
COPY --from=build /app/dist/mcp-server dist/mcp-server
USER node
EXPOSE 8000
# /healthz is public and answers before any Host check, so loopback works whatever MCP_ALLOWED_HOSTS says.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.MCP_PORT || 8000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: /healthz fails, running calls finish (MCP_DRAIN_*), then it exits.
CMD ["node", "dist/agent/cli.js", "serve", "--host", "0.0.0.0"]
