#!/bin/sh
# Prepares the compose cluster's Temporal for order-saga once the server answers: the namespace, and the search
# attributes the orderSaga workflow keeps current (src/shared/search-attributes.ts). Safe to rerun.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
HOST="${TEMPORAL_ADDRESS%:*}"
PORT="${TEMPORAL_ADDRESS##*:}"

# Dial the IPv4 address: the CLI may otherwise try an IPv6 address the server does not listen on.
IP="$(getent ahostsv4 "$HOST" | awk 'NR == 1 { print $1 }')"
export TEMPORAL_ADDRESS="${IP:-$HOST}:${PORT}"

echo "waiting for the Temporal cluster at ${TEMPORAL_ADDRESS}..."
until temporal operator cluster health >/dev/null 2>&1; do sleep 2; done

temporal operator namespace describe -n "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$NAMESPACE" --retention 7d
# A new namespace reaches the frontend's cache within seconds; until then it answers "not found".
tries=0
until temporal operator search-attribute list -n "$NAMESPACE" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "namespace $NAMESPACE did not become usable" >&2; exit 1; }
  sleep 1
done

for attribute in OrderStatus:Keyword CustomerId:Keyword OrderTotal:Int; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if temporal operator search-attribute list -n "$NAMESPACE" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create -n "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $NAMESPACE is ready for order-saga"
