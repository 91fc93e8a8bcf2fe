#!/bin/sh
# One database and one login role per gateway, each role owning its database and nothing else; no
# gateway can connect to the other's database. The postgres image runs this once, on the first
# start of an empty data volume (/docker-entrypoint-initdb.d); EnvironmentStartIT runs it against
# its test server. Liaison itself needs no more: it creates its schemas in a database it owns.
#
# Environment: LIAISON_A_DB_PASSWORD, LIAISON_B_DB_PASSWORD (required); LIAISON_A_DB_USER,
# LIAISON_B_DB_USER (role and database names, default liaison_a / liaison_b); POSTGRES_USER (the
# superuser, default postgres) and the usual PG* variables for where to connect.
set -e

create_gateway_database() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
       -v role="$1" -v password="$2" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
  echo "postgres-init: database and role $1"
}

create_gateway_database "${LIAISON_A_DB_USER:-liaison_a}" "${LIAISON_A_DB_PASSWORD:?LIAISON_A_DB_PASSWORD is not set}"
create_gateway_database "${LIAISON_B_DB_USER:-liaison_b}" "${LIAISON_B_DB_PASSWORD:?LIAISON_B_DB_PASSWORD is not set}"
