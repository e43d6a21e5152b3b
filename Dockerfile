# gatelint in a container: a static (musl) binary on an empty image, nothing else in it.
#
#   docker build -t gatelint .
#   docker run --rm -v "$PWD:/src" gatelint check .
#
# The release workflow (.github/workflows/release.yml) builds it for linux/amd64 and linux/arm64
# and publishes it as ghcr.io/gatelint/gatelint:VERSION.
FROM rust:1.88-alpine3.22 AS build
# The C runtime the static binary links; Alpine's own package, kept current by the base image.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY rules ./rules
COPY docs ./docs
# On Alpine the host target is musl, linked statically by default.
ENV CARGO_PROFILE_RELEASE_STRIP=symbols
RUN cargo build --release --locked \
    && ./target/release/gatelint --version

FROM scratch
COPY --from=build /build/target/release/gatelint /gatelint
COPY LICENSE-MIT LICENSE-APACHE /licenses/
# Mount the files to lint here.
WORKDIR /src
# Not root: the image only reads.
USER 65532:65532
ENTRYPOINT ["/gatelint"]
CMD ["check", "."]
