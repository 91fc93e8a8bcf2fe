-- The transport layer's tables. Schema "transport" belongs to gateway.transport alone.

-- Envelopes waiting to be POSTed to a receiving service. A row is claimed by one worker for a
-- lease (claim_token, leased_until) in a short transaction, POSTed outside any transaction, and
-- its outcome recorded in another short one. Rows are never deleted before delivery or expiry.
CREATE TABLE outbound (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    envelope_id     text        NOT NULL CONSTRAINT outbound_envelope_id_unique UNIQUE,
    destination     text        NOT NULL CONSTRAINT outbound_destination_length CHECK (length(destination) <= 2048),
    envelope        bytea       CONSTRAINT outbound_envelope_kept_until_final
                                    CHECK (envelope IS NOT NULL OR state <> 'pending'),
    state           text        NOT NULL CONSTRAINT outbound_state
                                    CHECK (state IN ('pending', 'delivered', 'rejected', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    claim_token     uuid,
    leased_until    timestamptz,
    finished_at     timestamptz
);

-- Workers look only for pending rows that are due; finished rows stay for deduplication.
CREATE INDEX outbound_due ON outbound (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbound_expiring ON outbound (expires_at) WHERE state = 'pending';

-- Envelopes a peer POSTed, stored before the peer got 202. The unique envelope id makes a
-- resend a no-op. 'pending' rows wait for the processor (decrypt, deliver); 'done' and
-- 'discarded' rows keep only the id (envelope and peer are cleared) for deduplication;
-- 'quarantined' rows keep everything for the administrator.
CREATE TABLE inbound (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    envelope_id     text        NOT NULL CONSTRAINT inbound_envelope_id_unique UNIQUE,
    envelope        bytea       CONSTRAINT inbound_envelope_kept_until_final
                                    CHECK (envelope IS NOT NULL OR state IN ('done', 'discarded')),
    peer            text,
    recipient       bigint,
    state           text        NOT NULL CONSTRAINT inbound_state
                                    CHECK (state IN ('pending', 'done', 'discarded', 'quarantined')),
    received_at     timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    finished_at     timestamptz
);

CREATE INDEX inbound_due ON inbound (next_attempt_at) WHERE state = 'pending';
CREATE INDEX inbound_finished ON inbound (finished_at) WHERE state IN ('done', 'discarded');
