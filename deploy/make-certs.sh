#!/bin/sh
# Makes a local certificate authority and the NATS servers' TLS certificate for docker-compose.yml, with openssl, in
# deploy/certs/ (git-ignored; compose mounts it). Run once before `docker compose up`: `sh deploy/make-certs.sh`.
# An existing CA is kept (delete deploy/certs/ to start over); the server certificate is made again each run.
# For a real deployment, use certificates from your own authority instead (docs/security.md).
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/certs"
days="${CERT_DAYS:-825}"
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days "$days" \
    -subj "/CN=order-saga local CA" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem"
fi
# Every name a client dials a node by: the compose service names, and this host for the published port.
cat > "$dir/nats.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:nats-1,DNS:nats-2,DNS:nats-3,DNS:localhost,IP:127.0.0.1
EXT
openssl req -newkey rsa:3072 -sha256 -nodes -subj "/CN=order-saga nats" \
  -keyout "$dir/nats-key.pem" -out "$dir/nats.csr"
openssl x509 -req -sha256 -days "$days" -in "$dir/nats.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
  -CAcreateserial -extfile "$dir/nats.ext" -out "$dir/nats.pem"
rm -f "$dir/nats.csr" "$dir/nats.ext"
# The containers read these as another user than yours: the certificates are public, the keys stay yours.
chmod 644 "$dir/ca.pem" "$dir/nats.pem"
chmod 640 "$dir/nats-key.pem"
echo "wrote $dir: ca.pem (give it to clients as NATS_TLS_CA_FILE), nats.pem, nats-key.pem"
