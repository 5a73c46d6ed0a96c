-- The account's users (the settings API, `/settings/v3/users`): HubSpot makes every user an
-- owner, so a user is its row of `owners` (its `user_id`), with its role, whether it is a
-- super admin, and its teams in `owners.teams` (`[{id, name, primary}]`, what the owners API
-- answers). Removing a user archives its owner. Teams and roles are the account's (fixtures).
CREATE SEQUENCE owner_ids START 10001;
CREATE SEQUENCE user_ids START 20000001;
ALTER TABLE owners
    ALTER COLUMN id SET DEFAULT nextval('owner_ids'),
    ALTER COLUMN user_id SET DEFAULT nextval('user_ids'),
    ALTER COLUMN first_name SET DEFAULT '',
    ALTER COLUMN last_name SET DEFAULT '',
    ALTER COLUMN created_at SET DEFAULT now(),
    ALTER COLUMN updated_at SET DEFAULT now(),
    ADD COLUMN role_id text,
    ADD COLUMN super_admin boolean NOT NULL DEFAULT false,
    ADD COLUMN send_welcome_email boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX owners_live_email ON owners (lower(email)) WHERE NOT archived;

CREATE TABLE teams (
    id   text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE roles (
    id                    text    PRIMARY KEY,
    name                  text    NOT NULL,
    requires_billing_write boolean NOT NULL DEFAULT false
);
