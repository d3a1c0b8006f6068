# boxaudit container image: the binary, its definitions and only the
# libraries it links (deploy/image/rootfs.sh), plus a static busybox for the
# entry point (deploy/image/entrypoint.sh).
#
# Offline (no registry reachable): the base is a root filesystem that the
# build itself produces and imports; this file adds the image configuration.
#
#     make && deploy/image/build.sh boxaudit:0.1.0
#
# With a registry, the usual multi-stage build (debian:12 build stage, then
# a scratch runtime stage holding the same root filesystem):
#
#     docker build -f deploy/image/Dockerfile.multistage -t boxaudit:0.1.0 .
#
# Run it against the host (docs/FLEET.md):
#
#     docker run --rm --pid=host -v /:/host:ro \
#         -v /var/run/docker.sock:/var/run/docker.sock:ro boxaudit:0.1.0
ARG BASE=boxaudit-rootfs:latest
FROM ${BASE}
ARG VERSION=unknown
LABEL org.opencontainers.image.title="boxaudit" \
      org.opencontainers.image.description="CIS Docker and Kubernetes benchmark audit of the host mounted at /host" \
      org.opencontainers.image.version="${VERSION}"
ENV PATH=/usr/local/bin:/bin \
    BOXAUDIT_CHECKS_DIR=/usr/local/share/boxaudit/checks
# Root: the audit reads root-owned files of the host (read-only mounts).
USER 0:0
WORKDIR /
ENTRYPOINT ["/usr/local/bin/boxaudit-entrypoint"]
