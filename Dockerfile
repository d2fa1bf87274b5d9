# One image with the three service binaries; docker-compose picks the command.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bins \
 && mkdir /out \
 && cp target/release/cspm-activation target/release/cspm-scheduler target/release/cspm-scan-worker target/release/cspm /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 cspm
COPY --from=build /out/ /usr/local/bin/
USER cspm
# Services listen on all interfaces inside the container.
ENV CSPM__HTTP__LISTEN=0.0.0.0:8080
EXPOSE 8080
CMD ["cspm-activation"]
