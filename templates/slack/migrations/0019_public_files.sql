-- files.sharedPublicURL / files.revokePublicURL: whether a file's public link is on.
ALTER TABLE files ADD COLUMN public_url_shared boolean NOT NULL DEFAULT false;
