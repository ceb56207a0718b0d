# writ container image: build with the full Node 24 image, run on distroless Node 24 (no shell, no
# package manager), as a numeric non-root user, with a read-only root filesystem (the chart sets it).
# Build: docker build -t writ .     Run: see charts/writ or docs/deployment.md.

FROM node:24-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install time; `npm run build` below is the only build step.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY proto ./proto
RUN npm run build && npm prune --omit=dev
# WRIT_HOME must exist and belong to the runtime user: distroless has no shell to create it at start, and
# the user cannot create folders under /var/lib (test/deploy/image-start.test.ts runs the image's tree).
RUN mkdir -p /src/image-root/var/lib/writ

FROM gcr.io/distroless/nodejs24-debian12:nonroot
# OCI image annotations (opencontainers image-spec, annotations.md). version and revision are set at build
# time: docker build --build-arg VERSION=$(node -p "require('./package.json').version") --build-arg REVISION=$(git rev-parse HEAD)
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="writ" \
      org.opencontainers.image.description="Envoy ext_authz server that decides, binds and audits every AI-agent tool call" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/example/writ"
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/proto ./proto
COPY --from=build --chown=10001:10001 /src/image-root/var/lib/writ /var/lib/writ
# The default pack, where WRIT_POLICY_DIR points (the chart mounts its ConfigMap over the same path).
COPY policies /etc/writ/policies
ENV NODE_ENV=production \
    WRIT_LISTEN_HOST=0.0.0.0 \
    WRIT_HOME=/var/lib/writ \
    WRIT_POLICY_DIR=/etc/writ/policies
# admin HTTP, check, verify, inbound, ext_proc
EXPOSE 9190 9191 9192 9193 9194
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
# grpc.health.v1 on the check role, over loopback (distroless has no shell: exec form, its node binary).
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/nodejs/bin/node", "/app/dist/cli/main.js", "health"]
# The distroless entrypoint is `node`; exec form, so SIGTERM reaches writ for its graceful drain.
# A 64 MiB young generation: fewer scavenges, whose pauses set the decision tail (docs/performance.md).
CMD ["--max-semi-space-size=64", "/app/dist/cli/main.js", "serve"]
