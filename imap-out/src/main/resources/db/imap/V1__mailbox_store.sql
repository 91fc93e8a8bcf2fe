-- imap-out's mailbox store. Every table lives in schema "imap" and is named with it explicitly,
-- so the store works whatever the connection's search_path is.

-- One row per folder. uid_validity is chosen once at creation and never rewritten (RFC 3501
-- §2.3.1.1); last_uid and highest_modseq only grow, so a UID or MODSEQ is never handed out twice.
CREATE TABLE imap.mailbox (
    id             bigserial PRIMARY KEY,
    namespace      text   NOT NULL,
    owner          text   NOT NULL,
    name           text   NOT NULL,
    uid_validity   bigint NOT NULL CHECK (uid_validity > 0 AND uid_validity < 4294967296),
    last_uid       bigint NOT NULL DEFAULT 0,
    highest_modseq bigint NOT NULL DEFAULT 0,
    CONSTRAINT mailbox_path_unique UNIQUE (owner, namespace, name)
);

-- One row per message in a folder. The whole RFC 5322 message is in content (TOASTed by
-- PostgreSQL, so metadata scans do not read bodies). properties holds James's MIME properties as
-- flat (namespace, name, value) triples. search_text is the decoded, lower-cased text of the
-- headers and text parts that SEARCH reads; sent_on is the day of the Date header as written in
-- its own zone (RFC 3501 §6.4.4 SENTON "disregarding time and timezone"), NULL if there is none.
CREATE TABLE imap.message (
    mailbox_id    bigint      NOT NULL REFERENCES imap.mailbox (id) ON DELETE CASCADE,
    uid           bigint      NOT NULL,
    message_id    uuid        NOT NULL,
    thread_id     uuid        NOT NULL,
    modseq        bigint      NOT NULL,
    internal_date timestamptz NOT NULL,
    save_date     timestamptz NOT NULL DEFAULT now(),
    size          bigint      NOT NULL,
    body_start    integer     NOT NULL,
    properties    text[]      NOT NULL,
    answered      boolean     NOT NULL DEFAULT false,
    deleted       boolean     NOT NULL DEFAULT false,
    draft         boolean     NOT NULL DEFAULT false,
    flagged       boolean     NOT NULL DEFAULT false,
    recent        boolean     NOT NULL DEFAULT false,
    seen          boolean     NOT NULL DEFAULT false,
    keywords      text[]      NOT NULL DEFAULT '{}',
    content       bytea       NOT NULL,
    search_text   text        NOT NULL DEFAULT '',
    sent_on       date,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX message_unseen ON imap.message (mailbox_id, uid) WHERE NOT seen;
CREATE INDEX message_recent ON imap.message (mailbox_id, uid) WHERE recent;

-- LSUB/LIST (SUBSCRIBED): folder names a user subscribed to, existing or not (RFC 3501 §6.3.6).
CREATE TABLE imap.subscription (
    owner   text NOT NULL,
    mailbox text NOT NULL,
    PRIMARY KEY (owner, mailbox)
);

-- MailboxDelivery's idempotency keys: a delivery id maps forever to the message it created, so a
-- retried delivery finds its first copy instead of making a second (even after that copy was
-- expunged by the user).
CREATE TABLE imap.delivery (
    delivery_id  text        PRIMARY KEY,
    mailbox_id   bigint      NOT NULL,
    uid          bigint      NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now()
);

-- Users whose default folders were created (on first login or first delivery). Kept so a folder
-- the user deleted on purpose is not created again at the next login.
CREATE TABLE imap.provisioned (
    owner          text        PRIMARY KEY,
    provisioned_at timestamptz NOT NULL DEFAULT now()
);
