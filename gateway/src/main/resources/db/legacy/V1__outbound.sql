-- Outbound legacy (plain) email. Schema "legacy" belongs to gateway.legacy.delivery.

-- Messages waiting for an SMTP server: the same columns, states and lease protocol as
-- transport.outbound (the code that claims, retries and expires rows is shared); the envelope
-- is the DKIM-signed RFC 5322 message, the destination smtp://<recipient-domain>.
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

CREATE INDEX outbound_due ON outbound (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbound_expiring ON outbound (expires_at) WHERE state = 'pending';

-- The SMTP envelope of each queued message and whose it is: the reverse path (MAIL FROM), the
-- one recipient (RCPT TO), and the local user whose INBOX gets the failure notice.
CREATE TABLE outbound_mail (
    envelope_id text PRIMARY KEY REFERENCES outbound (envelope_id),
    owner       text NOT NULL CONSTRAINT outbound_mail_owner_length CHECK (length(owner) BETWEEN 1 AND 254),
    sender      text NOT NULL CONSTRAINT outbound_mail_sender_length CHECK (length(sender) BETWEEN 3 AND 254),
    recipient   text NOT NULL CONSTRAINT outbound_mail_recipient_length CHECK (length(recipient) BETWEEN 3 AND 254)
);

-- The gateway's DKIM keys, one per selector: the private key sealed under the key-encryption key
-- (data-dir/keys/kek), the public key in the clear for `liaison dns`. A row is created once, by
-- whichever process needs it first, and never changed: a new key means a new selector.
CREATE TABLE dkim_keys (
    selector    text        PRIMARY KEY CONSTRAINT dkim_keys_selector_length CHECK (length(selector) BETWEEN 1 AND 63),
    private_key bytea       NOT NULL,
    public_key  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
