# syntax=docker/dockerfile:1
# Build: the official Swift image, release mode, Swift runtime linked statically. Debian 12 is
# the newest Debian the official Swift 6.3 images offer (swiftlang/swift-docker has no Debian 13
# image yet), so both stages stay on it: the runtime stage then has exactly the libraries the
# binary was linked against, which .ci/check-dockerfile.sh proves with ldd on Debian 12.
FROM swift:6.3-bookworm AS build
# The git revision shown by github_copilot_exporter_build_info:
#   docker build --build-arg REVISION=$(git rev-parse HEAD) .
ARG REVISION=unknown
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN sed -i "s/static let revision = \"unknown\"/static let revision = \"${REVISION}\"/" Sources/CopilotExporter/Lifecycle/BuildInfo.swift \
    && swift build -c release --static-swift-stdlib --product copilot_exporter \
    && install -D "$(swift build -c release --static-swift-stdlib --show-bin-path)/copilot_exporter" /out/copilot_exporter

# Run: slim Debian with only what the binary links (libcurl for HTTPS, libssl for serving TLS,
# libcrypt for bcrypt, zlib, the C++ runtime)
# and the CA certificates GitHub's TLS needs. .ci/check-dockerfile.sh proves with ldd that
# nothing else is needed.
FROM debian:bookworm-slim
ARG REVISION=unknown
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="copilot_exporter" \
      org.opencontainers.image.description="Prometheus exporter for GitHub Copilot seats, usage and cost" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/your-org/copilot_exporter" \
      org.opencontainers.image.documentation="https://github.com/your-org/copilot_exporter#readme" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# Unpinned on purpose: these packages should take Debian's security updates when the image is rebuilt.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libssl3 libcrypt1 ca-certificates zlib1g libstdc++6 libgcc-s1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/copilot_exporter /usr/local/bin/copilot_exporter
# A numeric non-root user, so Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 9185
# The binary probes itself (no shell or curl in the image). Listening elsewhere than :9185, or
# with TLS, override it: HEALTHCHECK CMD ["/usr/local/bin/copilot_exporter", "healthcheck", "URL"].
HEALTHCHECK --interval=30s --timeout=6s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/copilot_exporter", "healthcheck", "http://127.0.0.1:9185/-/healthy"]
ENTRYPOINT ["/usr/local/bin/copilot_exporter"]
