#!/usr/bin/env bash
# What recording one delivery costs with a backlog in the outbound queue, when the queue's
# statistics were taken while it was empty (an idle queue's normal state): the record as it was
# ("... AND state = 'pending'", which the partial indexes of pending rows also fit) and as it is now
# (the claim token alone, constraint outbound_claimed_only_while_pending). Debian's PostgreSQL in a
# temporary directory (as .ci/run starts it), the repository's transport migrations, pgbench with
# prepared statements on one connection; each record matches no token, so the backlog stays as is.
# Usage: gateway/src/test/scripts/bench-backlog-record.sh [backlog, default 20000] [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
backlog=${1:-20000}
seconds=${2:-5}
pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
dir=$(mktemp -d /tmp/liaison-backlog.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chown postgres "$dir" 2>/dev/null || true
as_postgres "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_postgres "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }

sql -c "CREATE SCHEMA transport"
for f in gateway/src/main/resources/db/transport/V*.sql; do
  { echo "SET search_path = transport;"; cat "$f"; } | sql -f -
done
sql <<EOF
ALTER TABLE transport.outbound SET (autovacuum_enabled = false);
-- one envelope through the queue, then the statistics of the empty queue
INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at, expires_at)
    VALUES ('first', 'https://peer.example/', '\x00', 'pending', now(), now() + interval '5 days');
UPDATE transport.outbound SET state = 'delivered', envelope = NULL;
VACUUM ANALYZE transport.outbound;
-- the backlog since (envelopes of 512 octets: the records read the rows, not the envelopes)
INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at, expires_at)
    SELECT 'e' || g, 'https://peer.example/', decode(repeat(md5(g::text), 32), 'hex'), 'pending',
           now() + g * interval '1 ms', now() + interval '5 days' FROM generate_series(1, $backlog) g;
EOF
record="UPDATE transport.outbound SET state = 'delivered', envelope = NULL, finished_at = now(), claim_token = NULL,
    leased_until = NULL WHERE id = :id AND claim_token = '00000000-0000-0000-0000-000000000000'"
printf '\\set id random(2, %d)\n%s AND state = '"'"'pending'"'"';\n' $((backlog + 1)) "$record" > "$dir/before.sql"
printf '\\set id random(2, %d)\n%s;\n' $((backlog + 1)) "$record" > "$dir/now.sql"
echo "backlog $backlog pending envelopes, statistics of an empty queue, $("$pgbin/postgres" --version)"
for run in before now before now; do
  result=$(pgbench -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 1 -T "$seconds" -f "$dir/$run.sql" postgres 2>&1)
  echo "$run: $(grep -o 'latency average = [0-9.]* ms' <<<"$result"), $(grep -o 'tps = [0-9.]*' <<<"$result")"
done
