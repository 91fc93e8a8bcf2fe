-- A finished envelope (delivered, rejected, expired) keeps its row, its bytes already dropped, for
-- status queries until Limits.DEDUPLICATION_RETENTION has passed; then the delivery worker deletes
-- it (OutboundQueue.prune). Before, finished rows were never deleted and the table grew with every
-- message relayed. This index finds the old ones without reading the table.
CREATE INDEX outbound_finished ON outbound (finished_at) WHERE state <> 'pending';
