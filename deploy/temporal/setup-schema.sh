#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version of the temporal-sql-tool on PATH.
# Run by docker-compose.yml's temporal-schema job (admin-tools image) and by `npm run cluster` (src/cluster/), before
# any server starts; safe to rerun on existing databases. The first setup fixes nothing else: the number of history
# shards is fixed by the first server start (deploy/temporal/config/order-saga.yaml).
set -eu
# The admin-tools image keeps the schemas here; the runner points it at the same release's schema folder.
SCHEMA_DIR="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}"

# temporal-sql-tool reads the password from SQL_PASSWORD.
tool() {
  db="$1"
  shift
  temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" --db "$db" "$@"
}

# The runner starts this once PostgreSQL answers; in compose the job may start a little earlier.
if command -v nc >/dev/null 2>&1; then
  echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
  until nc -z "${POSTGRES_SEEDS}" "${DB_PORT}"; do sleep 1; done
fi

for name in temporal temporal_visibility; do
  case "$name" in
    temporal) dir="${SCHEMA_DIR}/postgresql/v12/temporal/versioned" ;;
    *) dir="${SCHEMA_DIR}/postgresql/v12/visibility/versioned" ;;
  esac
  tool "$name" create >/dev/null 2>&1 || echo "database $name exists"
  # update-schema fails on a database whose schema was never set up: set it up at 0.0, then update.
  if ! tool "$name" update-schema -d "$dir" >/dev/null 2>&1; then
    echo "setting up the schema of $name"
    tool "$name" setup-schema -v 0.0
    tool "$name" update-schema -d "$dir"
  fi
  echo "database $name is at the schema of this release"
done
echo "Temporal schemas are up to date"
