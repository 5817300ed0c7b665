# syntax=docker/dockerfile:1
# Build: the official Swift image, release mode, Swift runtime linked statically.
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product copilot_exporter \
    && install -D "$(swift build -c release --static-swift-stdlib --show-bin-path)/copilot_exporter" /out/copilot_exporter

# Run: slim Debian with only what the binary links (libcurl for HTTPS, libssl for serving TLS,
# libcrypt for bcrypt, zlib, the C++ runtime)
# and the CA certificates GitHub's TLS needs. .ci/check-dockerfile.sh proves with ldd that
# nothing else is needed.
FROM debian:bookworm-slim
# Unpinned on purpose: these packages should take Debian's security updates when the image is rebuilt.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libssl3 libcrypt1 ca-certificates zlib1g libstdc++6 libgcc-s1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/copilot_exporter /usr/local/bin/copilot_exporter
# A numeric non-root user, so Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 9185
ENTRYPOINT ["/usr/local/bin/copilot_exporter"]
