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

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/proto ./proto
COPY policies ./policies
ENV NODE_ENV=production \
    WRIT_LISTEN_HOST=0.0.0.0 \
    WRIT_HOME=/var/lib/writ \
    WRIT_POLICY_DIR=/etc/writ/policies
# admin HTTP, check, verify, inbound, ext_proc
EXPOSE 9190 9191 9192 9193 9194
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
# The distroless entrypoint is `node`; exec form, so SIGTERM reaches writ for its graceful drain.
# A 64 MiB young generation: fewer scavenges, whose pauses set the decision tail (docs/performance.md).
CMD ["--max-semi-space-size=64", "/app/dist/cli/main.js", "serve"]
