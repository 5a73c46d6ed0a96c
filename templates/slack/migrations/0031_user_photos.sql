-- Slack clone: profile photos people set with users.setPhoto (users.deletePhoto removes one).
-- The image is kept as sent (`kind`: png, jpg or gif); `url` is the base of its avatar URLs
-- (`<url>_<size>.<kind>`, served at /avatars/), a new `key` in it for each photo set.

CREATE TABLE user_photos (
    user_id text PRIMARY KEY REFERENCES users (id),
    key     text NOT NULL,
    url     text NOT NULL,
    kind    text NOT NULL,
    image   bytea NOT NULL,
    width   integer NOT NULL,
    height  integer NOT NULL
);
