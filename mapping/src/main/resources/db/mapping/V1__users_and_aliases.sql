-- Users of this gateway and the aliases they own. Schema "mapping" is this module's alone.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text        NOT NULL CONSTRAINT users_login_format CHECK (login ~ '^[a-z0-9._-]{1,64}$'),
    display_name  text        NOT NULL CONSTRAINT users_display_name_length CHECK (length(display_name) <= 200),
    password_hash text        NOT NULL,
    state         text        NOT NULL CONSTRAINT users_state CHECK (state IN ('active', 'disabled')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_login_unique UNIQUE (login)
);

-- Addresses are stored lower-cased (matching is case-insensitive) and never deleted: a removed
-- alias keeps its row so the address can never be handed to someone else.
CREATE TABLE aliases (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address    text        NOT NULL CONSTRAINT aliases_address_lower CHECK (address = lower(address)),
    user_id    bigint      NOT NULL REFERENCES users (id),
    target     text        NOT NULL CONSTRAINT aliases_target CHECK (target IN ('mailbox')),
    state      text        NOT NULL CONSTRAINT aliases_state CHECK (state IN ('active', 'disabled', 'removed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT aliases_address_unique UNIQUE (address)
);

CREATE INDEX aliases_user ON aliases (user_id);
