-- Slack clone: user groups, custom status expiry, and whether a DM is open.
--
-- Same rules as 0001: everything in `public`, every generated id from a sequence below (so a
-- reset puts them back), hand-written ids start with `0` after the type letter, generated
-- ones with `1`.

CREATE SEQUENCE usergroup_id_seq START 101559956668416;

-- User groups (`S…`): `@handle` mentions for a set of people, with default channels.
-- Disabling one sets `date_delete` (and `deleted_by`); enabling clears them.
CREATE TABLE usergroups (
    id          text PRIMARY KEY DEFAULT slack_id('S', nextval('usergroup_id_seq')),
    team_id     text NOT NULL REFERENCES teams (id),
    name        text NOT NULL,
    handle      text NOT NULL,
    description text NOT NULL DEFAULT '',
    channels    text[] NOT NULL DEFAULT '{}',
    date_create bigint NOT NULL,
    date_update bigint NOT NULL,
    date_delete bigint NOT NULL DEFAULT 0,
    created_by  text NOT NULL REFERENCES users (id),
    updated_by  text NOT NULL REFERENCES users (id),
    deleted_by  text REFERENCES users (id)
);
CREATE UNIQUE INDEX usergroups_name ON usergroups (team_id, lower(name));
CREATE UNIQUE INDEX usergroups_handle ON usergroups (team_id, lower(handle));

CREATE TABLE usergroup_members (
    usergroup_id text NOT NULL REFERENCES usergroups (id) ON DELETE CASCADE,
    user_id      text NOT NULL REFERENCES users (id),
    PRIMARY KEY (usergroup_id, user_id)
);

-- users.profile.set's `status_expiration` (Unix seconds, 0 for none).
ALTER TABLE users ADD COLUMN status_expiration bigint NOT NULL DEFAULT 0;

-- conversations.close hides a DM from its member's sidebar until it is opened again.
ALTER TABLE conversation_members ADD COLUMN is_open boolean NOT NULL DEFAULT true;
