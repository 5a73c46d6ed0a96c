-- Linear's Customers (customer requests): the workspace's customers (`Customer`), each in a
-- lifecycle status (`CustomerStatus`) and optionally a tier (`CustomerTier`), and their needs
-- (`CustomerNeed`: a request, attached to exactly one issue or project).

-- A status: `name` the internal name, `displayName` what the UI shows (each defaults to the
-- other); `position` orders them (a new one without a position goes last).
CREATE TABLE customer_statuses (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name         text,
    display_name text,
    color        text NOT NULL,
    description  text,
    position     float8,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    CONSTRAINT customer_statuses_named CHECK (name IS NOT NULL)
);
CREATE INDEX customer_statuses_created ON customer_statuses (created_at DESC, id DESC);

-- A tier: as a status, and its name is the workspace's once.
CREATE TABLE customer_tiers (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name         text,
    display_name text,
    color        text NOT NULL,
    description  text,
    position     float8,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    CONSTRAINT customer_tiers_named CHECK (name IS NOT NULL),
    CONSTRAINT customer_tiers_name_key UNIQUE (name)
);
CREATE INDEX customer_tiers_created ON customer_tiers (created_at DESC, id DESC);

-- Either name stands for the other; a position left out (or taken) goes after the last.
CREATE FUNCTION customer_rank_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    taken boolean;
    last float8;
BEGIN
    NEW.name := coalesce(NEW.name, NEW.display_name);
    EXECUTE format('SELECT max(position), bool_or(position = $1) FROM %I WHERE id <> $2',
                   TG_TABLE_NAME)
        INTO last, taken USING NEW.position, NEW.id;
    IF NEW.position IS NULL OR taken THEN
        NEW.position := coalesce(last, 0) + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customer_statuses_defaults BEFORE INSERT ON customer_statuses
    FOR EACH ROW EXECUTE FUNCTION customer_rank_defaults();
CREATE TRIGGER customer_tiers_defaults BEFORE INSERT ON customer_tiers
    FOR EACH ROW EXECUTE FUNCTION customer_rank_defaults();

CREATE FUNCTION customer_status_doc(s customer_statuses) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'displayName', coalesce(s.display_name, s.name),
    'color', s.color, 'description', s.description, 'position', s.position, 'type', NULL,
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at),
    'archivedAt', iso(s.archived_at))
$$;

CREATE FUNCTION customer_tier_doc(s customer_tiers) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'displayName', coalesce(s.display_name, s.name),
    'color', s.color, 'description', s.description, 'position', s.position,
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at),
    'archivedAt', iso(s.archived_at))
$$;

-- The statuses a new workspace has (the clone's choice: Linear does not document its
-- defaults). Tiers: none until the workspace makes them.
INSERT INTO customer_statuses (id, name, color, description, position, created_at, updated_at)
VALUES
  ('c5000000-0000-4000-8000-000000000001', 'Active', '#4cb782', 'A current customer', 1,
   '2024-01-01T09:00:00Z', '2024-01-01T09:00:00Z'),
  ('c5000000-0000-4000-8000-000000000002', 'Inactive', '#95a2b3', 'A former customer', 2,
   '2024-01-01T09:00:01Z', '2024-01-01T09:00:01Z');

CREATE TABLE customers (
    id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name             text NOT NULL,
    slug_id          text NOT NULL UNIQUE DEFAULT substr(md5(random()::text), 1, 12),
    domains          text[] NOT NULL DEFAULT '{}',
    external_ids     text[] NOT NULL DEFAULT '{}',
    logo_url         text,
    main_source_id   text,
    owner_id         text REFERENCES users(id),
    revenue          integer,
    size             float8,
    slack_channel_id text,
    status_id        text NOT NULL REFERENCES customer_statuses(id),
    tier_id          text REFERENCES customer_tiers(id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    archived_at      timestamptz,
    CONSTRAINT customers_slack_channel_id_key UNIQUE (slack_channel_id),
    CONSTRAINT customers_main_source_check
        CHECK (main_source_id IS NULL OR main_source_id = ANY(external_ids))
);
CREATE INDEX customers_created ON customers (created_at DESC, id DESC);
CREATE INDEX customers_domains ON customers USING gin (domains);
CREATE INDEX customers_external_ids ON customers USING gin (external_ids);

-- A customer's domains and external ids are distinct (the first of each kept, in order) and
-- no other customer's; without a status it takes the first by position.
CREATE FUNCTION customer_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.domains := ARRAY(SELECT d FROM unnest(NEW.domains) WITH ORDINALITY u(d, n)
                         GROUP BY d ORDER BY min(n));
    NEW.external_ids := ARRAY(SELECT e FROM unnest(NEW.external_ids) WITH ORDINALITY u(e, n)
                              GROUP BY e ORDER BY min(n));
    IF EXISTS (SELECT 1 FROM customers c WHERE c.id <> NEW.id AND c.domains && NEW.domains) THEN
        RAISE EXCEPTION 'domain taken' USING ERRCODE = 'unique_violation',
            CONSTRAINT = 'customers_domains_key';
    END IF;
    IF EXISTS (SELECT 1 FROM customers c
               WHERE c.id <> NEW.id AND c.external_ids && NEW.external_ids) THEN
        RAISE EXCEPTION 'external id taken' USING ERRCODE = 'unique_violation',
            CONSTRAINT = 'customers_external_ids_key';
    END IF;
    IF NEW.status_id IS NULL THEN
        NEW.status_id := (SELECT id FROM customer_statuses WHERE archived_at IS NULL
                          ORDER BY position, created_at, id LIMIT 1);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_defaults BEFORE INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_defaults();

-- A need is on exactly one issue or project; `priority` 1 marks it important. A need moved
-- off the issue it was made on remembers that issue (`originalIssue`).
CREATE TABLE customer_needs (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    customer_id       text REFERENCES customers(id) ON DELETE SET NULL,
    issue_id          text REFERENCES issues(id) ON DELETE CASCADE,
    project_id        text REFERENCES projects(id) ON DELETE CASCADE,
    original_issue_id text REFERENCES issues(id) ON DELETE SET NULL,
    attachment_id     text REFERENCES attachments(id) ON DELETE SET NULL,
    comment_id        text REFERENCES comments(id) ON DELETE SET NULL,
    creator_id        text REFERENCES users(id),
    body              text,
    priority          float8 NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz,
    CONSTRAINT customer_needs_one_target CHECK (num_nonnulls(issue_id, project_id) = 1),
    CONSTRAINT customer_needs_priority_check CHECK (priority IN (0, 1))
);
CREATE INDEX customer_needs_created ON customer_needs (created_at DESC, id DESC);
CREATE INDEX customer_needs_customer ON customer_needs (customer_id);
CREATE INDEX customer_needs_issue ON customer_needs (issue_id);
CREATE INDEX customer_needs_project ON customer_needs (project_id);
CREATE INDEX customer_needs_original_issue ON customer_needs (original_issue_id);

CREATE FUNCTION customer_need_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.issue_id IS NOT NULL AND NEW.issue_id IS DISTINCT FROM OLD.issue_id THEN
        NEW.original_issue_id := coalesce(OLD.original_issue_id, OLD.issue_id);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER customer_needs_moved BEFORE UPDATE OF issue_id ON customer_needs
    FOR EACH ROW EXECUTE FUNCTION customer_need_moved();

-- `project` is the need's own, or its issue's; `url` and `attachment` its source's;
-- `content` its body.
CREATE FUNCTION customer_need_doc(n customer_needs) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', n.id, 'body', n.body, 'bodyData', NULL, 'content', n.body, 'priority', n.priority,
    'customer', ref(n.customer_id), 'issue', ref(n.issue_id),
    'project', ref(coalesce(n.project_id,
                            (SELECT i.project_id FROM issues i WHERE i.id = n.issue_id))),
    'originalIssue', ref(n.original_issue_id), 'attachment', ref(n.attachment_id),
    'projectAttachment', NULL, 'comment', ref(n.comment_id), 'creator', ref(n.creator_id),
    'url', (SELECT a.url FROM attachments a WHERE a.id = n.attachment_id),
    'createdAt', iso(n.created_at), 'updatedAt', iso(n.updated_at),
    'archivedAt', iso(n.archived_at))
$$;

-- `needs` are its needs not archived, whole (a list, not a connection: no statement a
-- customer when a page of them selects them); `url` `<workspace>/customers/<slugId>`.
CREATE FUNCTION customer_doc(c customers, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', c.id, 'name', c.name, 'slugId', c.slug_id, 'domains', to_json(c.domains),
    'externalIds', to_json(c.external_ids), 'logoUrl', c.logo_url,
    'mainSourceId', c.main_source_id, 'owner', ref(c.owner_id), 'revenue', c.revenue,
    'size', c.size, 'slackChannelId', c.slack_channel_id, 'status', ref(c.status_id),
    'tier', ref(c.tier_id), 'integration', NULL,
    'url', base || '/customers/' || c.slug_id,
    'needs', coalesce(needs.list, '[]'::json), 'approximateNeedCount', coalesce(needs.count, 0),
    'createdAt', iso(c.created_at), 'updatedAt', iso(c.updated_at),
    'archivedAt', iso(c.archived_at))
FROM (SELECT json_agg(customer_need_doc(n) ORDER BY n.created_at DESC, n.id DESC) AS list,
             count(*) AS count
      FROM customer_needs n WHERE n.customer_id = c.id AND n.archived_at IS NULL) needs
$$;

-- The workspace's `customerCount`: its customers not archived.
ALTER FUNCTION organization_doc(organization, text) RENAME TO organization_doc_without_customers;
CREATE FUNCTION organization_doc(o organization, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (organization_doc_without_customers(o, base)::jsonb || jsonb_build_object(
    'customerCount', (SELECT count(*) FROM customers WHERE archived_at IS NULL)))::json
$$;
