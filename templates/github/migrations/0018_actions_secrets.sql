-- GitHub Actions: a repository's secrets (the sealed value stored as given; the clone never
-- opens it) and its configuration variables. Names are stored upper-cased, as GitHub does.

CREATE TABLE action_secrets (
    repo_id         bigint      NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    encrypted_value text        NOT NULL,
    key_id          text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo_id, name)
);

CREATE TABLE action_variables (
    repo_id    bigint      NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo_id, name)
);
