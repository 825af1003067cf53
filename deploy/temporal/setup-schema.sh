#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version this admin-tools image ships.
# Runs once per `docker compose up` (temporal-schema service); safe to rerun on an existing volume.
set -eu

# temporal-sql-tool reads the password from SQL_PASSWORD.
tool() {
  db="$1"
  shift
  temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" --db "$db" "$@"
}

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
until nc -z "${POSTGRES_SEEDS}" "${DB_PORT}"; do sleep 1; done

for name in temporal temporal_visibility; do
  case "$name" in
    temporal) dir=/etc/temporal/schema/postgresql/v12/temporal/versioned ;;
    *) dir=/etc/temporal/schema/postgresql/v12/visibility/versioned ;;
  esac
  tool "$name" create 2>/dev/null || echo "database $name exists"
  # update-schema fails on a database whose schema was never set up: set it up at 0.0, then update.
  if ! tool "$name" update-schema -d "$dir"; then
    tool "$name" setup-schema -v 0.0
    tool "$name" update-schema -d "$dir"
  fi
done
echo "Temporal schemas are up to date"
