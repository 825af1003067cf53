#!/bin/sh
# First start of the compose cluster's PostgreSQL: runs init.sql (the roles and schemas) once, in one transaction,
# with each role's password from the environment as a psql variable, so no password is written in any file.
# compose mounts it into /docker-entrypoint-initdb.d (the image runs it on an empty volume); `npm run cluster`
# runs the same script against its own server (src/cluster/postgres.ts).
set -eu

sql="${ORDER_SAGA_INIT_SQL:-$(dirname "$0")/init.sql}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --single-transaction \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-order_saga}" \
  -v temporal_password="${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD}" \
  -v orders_password="${ORDERS_DB_PASSWORD:?set ORDERS_DB_PASSWORD}" \
  -v payments_password="${PAYMENTS_DB_PASSWORD:?set PAYMENTS_DB_PASSWORD}" \
  -v inventory_password="${INVENTORY_DB_PASSWORD:?set INVENTORY_DB_PASSWORD}" \
  -v shipping_password="${SHIPPING_DB_PASSWORD:?set SHIPPING_DB_PASSWORD}" \
  -v notifications_password="${NOTIFICATIONS_DB_PASSWORD:?set NOTIFICATIONS_DB_PASSWORD}" \
  -v analytics_password="${ANALYTICS_DB_PASSWORD:?set ANALYTICS_DB_PASSWORD}" \
  -v api_password="${API_DB_PASSWORD:?set API_DB_PASSWORD}" \
  -f "$sql"
