#!/usr/bin/env bash
# What one queue statement costs with a backlog in the outbound queue, before and now (docs/benchmarks.md).
#   record:   recording one delivery, with the queue's statistics taken while it was empty (an idle
#             queue's normal state): "... AND state = 'pending'" as it was, which the partial indexes of
#             pending rows also fit, against the claim token alone (constraint
#             outbound_claimed_only_while_pending). Each record matches no token: the backlog stays.
#   dispatch: the dispatcher's look for due envelopes when the backlog's destination has all its slots
#             taken (excluded) and another destination has three due: one scan of every due row as it
#             was (migrations up to transport V5, with outbound_due), against the look destination by
#             destination (transport V6 on): the due destinations by a skip through
#             outbound_due_by_destination, then the other destination's rows, in one transaction.
# Debian's PostgreSQL in a temporary directory (as .ci/run starts it), the repository's transport
# migrations, pgbench with prepared statements on one connection.
# Usage: gateway/src/test/scripts/bench-backlog.sh record|dispatch [backlog, default 20000] [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
mode=${1:?record or dispatch}
case $mode in record | dispatch) ;; *) echo "unknown mode $mode: record or dispatch" >&2; exit 2 ;; esac
backlog=${2:-20000}
seconds=${3:-5}
pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
dir=$(mktemp -d /tmp/liaison-backlog.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chown postgres "$dir" 2>/dev/null || true
trap 'as_postgres "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
as_postgres "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
as_postgres "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 "$@"; }
migrate() { # migrate FROM TO: transport migrations with versions FROM..TO
  for f in gateway/src/main/resources/db/transport/V*.sql; do
    v=$(basename "$f" | sed 's/^V\([0-9]*\)__.*/\1/')
    if (( v >= $1 && v <= $2 )); then { echo "SET search_path = transport;"; cat "$f"; } | sql -f -; fi
  done
}
bench() { # bench NAME: runs $dir/NAME.sql, prints its mean latency
  result=$(pgbench -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 1 -T "$seconds" -f "$dir/$1.sql" postgres 2>&1)
  echo "$1: $(grep -o 'latency average = [0-9.]* ms' <<<"$result"), $(grep -o 'tps = [0-9.]*' <<<"$result")"
}
sql -c "CREATE SCHEMA transport"
echo "backlog $backlog pending envelopes, $("$pgbin/postgres" --version)"

if [ "$mode" = record ]; then
  migrate 1 999
  sql <<EOF2
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
EOF2
  record="UPDATE transport.outbound SET state = 'delivered', envelope = NULL, finished_at = now(), claim_token = NULL,
      leased_until = NULL WHERE id = :id AND claim_token = '00000000-0000-0000-0000-000000000000'"
  printf '\\set id random(2, %d)\n%s AND state = '"'"'pending'"'"';\n' $((backlog + 1)) "$record" > "$dir/before.sql"
  printf '\\set id random(2, %d)\n%s;\n' $((backlog + 1)) "$record" > "$dir/now.sql"
  echo "statistics of an empty queue"
  for run in before now before now; do bench $run; done

else # dispatch
  migrate 1 5
  sql <<EOF2
ALTER TABLE transport.outbound SET (autovacuum_enabled = false);
INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at, expires_at)
    SELECT 'e' || g, 'https://peer.example/', decode(repeat(md5(g::text), 32), 'hex'), 'pending',
           now() - interval '1 hour' + g * interval '1 ms', now() + interval '5 days' FROM generate_series(1, $backlog) g;
INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at, expires_at)
    SELECT 'f' || g, 'https://other.example/', '\x00', 'pending', now() - interval '1 hour', now() + interval '5 days'
      FROM generate_series(1, 3) g;
VACUUM ANALYZE transport.outbound;
EOF2
  # the statements as OutboundQueue.lockDue sends them (times as now(), the excluded list written out)
  cat > "$dir/before.sql" <<'EOF2'
\set max 64
SELECT id, destination FROM transport.outbound WHERE state = 'pending' AND next_attempt_at <= now()
   AND expires_at > now() AND (leased_until IS NULL OR leased_until <= now())
   AND destination <> ALL ('{https://peer.example/}') ORDER BY next_attempt_at LIMIT :max FOR UPDATE SKIP LOCKED;
EOF2
  cat > "$dir/now.sql" <<'EOF2'
\set max 64
BEGIN;
WITH RECURSIVE pending (destination, first_due) AS (
    (SELECT destination, next_attempt_at FROM transport.outbound WHERE state = 'pending'
      ORDER BY destination, next_attempt_at LIMIT 1)
    UNION ALL SELECT n.destination, n.next_attempt_at FROM pending p CROSS JOIN LATERAL (
        SELECT o.destination, o.next_attempt_at FROM transport.outbound o WHERE o.state = 'pending'
           AND o.destination > p.destination ORDER BY o.destination, o.next_attempt_at LIMIT 1) n)
SELECT destination FROM pending WHERE first_due <= now() AND destination <> ALL ('{https://peer.example/}')
 ORDER BY first_due LIMIT :max;
SELECT id, destination, next_attempt_at FROM transport.outbound WHERE destination = 'https://other.example/'
   AND state = 'pending' AND next_attempt_at <= now() AND expires_at > now()
   AND (leased_until IS NULL OR leased_until <= now()) ORDER BY next_attempt_at LIMIT 4 FOR UPDATE SKIP LOCKED;
COMMIT;
EOF2
  bench before; bench before
  migrate 6 999
  sql -c "VACUUM ANALYZE transport.outbound"
  bench now; bench now
fi
