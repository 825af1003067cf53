-- First start of the compose cluster's PostgreSQL (deploy/postgres/init.sh runs it once, with psql, into the order_saga
-- database): a login role per service that owns its schema and nothing else, a read-only role for the API, and
-- Temporal's own role. No password is in this file: each is a psql variable init.sh sets from the environment
-- (compose: the `*_DB_PASSWORD` variables of `.env`); `:'name'` quotes it as an SQL literal.

-- Temporal creates and migrates its own databases (temporal, temporal_visibility) with temporal-sql-tool.
create role temporal login password :'temporal_password' createdb;

-- One schema per service, owned by the service's role: a service connects as itself, its search path is its schema
-- (src/db/postgres.ts), and it has no privileges on the others' schemas, so no service reads another's tables.
create role payments login password :'payments_password';
create schema payments authorization payments;
create role inventory login password :'inventory_password';
create schema inventory authorization inventory;
create role shipping login password :'shipping_password';
create schema shipping authorization shipping;
-- The orders service: the order-level facts the workflow announces and their outbox (its workers' own store).
create role orders login password :'orders_password';
create schema orders authorization orders;
-- The read models: the notifications service's, and the analytics service's two (analytics and the order read
-- model, which one process writes with one DATABASE_URL, so one role owns both schemas).
create role notifications login password :'notifications_password';
create schema notifications authorization notifications;
create role analytics login password :'analytics_password';
create schema analytics authorization analytics;
create schema order_read_model authorization analytics;

-- The API only reads: the read models, and the inventory's products for GET /products. It may select from the
-- tables the owners create there (now or later, hence default privileges) and do nothing else; it never migrates.
create role api login password :'api_password';
grant usage on schema inventory, notifications, analytics, order_read_model to api;
alter default privileges for role inventory in schema inventory grant select on tables to api;
alter default privileges for role notifications in schema notifications grant select on tables to api;
alter default privileges for role analytics in schema analytics, order_read_model grant select on tables to api;

-- Nothing goes into public: a table created there by mistake would be visible to every role.
revoke create on schema public from public;
