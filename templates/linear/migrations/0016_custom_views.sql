-- Custom views (`customViewCreate`, `customViewUpdate`, `customViewDelete`, `customViews`,
-- `customView`): a saved filter of issues (`filterData`, an `IssueFilter`), of projects
-- (`projectFilterData`) or of initiatives (`initiativeFilterData`), shared with the workspace
-- or personal to its owner, optionally a team's. Which filter is set decides `modelName`, as
-- Linear's schema describes it; `CustomView.issues`/`projects` list what the filter selects.
CREATE TABLE custom_views (
    id                      text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name                    text NOT NULL,
    description             text,
    icon                    text,
    color                   text,
    team_id                 text REFERENCES teams(id),
    owner_id                text NOT NULL REFERENCES users(id),
    creator_id              text NOT NULL REFERENCES users(id),
    updated_by_id           text REFERENCES users(id),
    shared                  boolean NOT NULL DEFAULT false,
    filter_data             jsonb,
    project_filter_data     jsonb,
    initiative_filter_data  jsonb,
    model_name              text NOT NULL GENERATED ALWAYS AS (
        CASE WHEN project_filter_data IS NOT NULL THEN 'Project'
             WHEN initiative_filter_data IS NOT NULL THEN 'Initiative'
             ELSE 'Issue' END) STORED,
    slug_id                 text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    archived_at             timestamptz
);
CREATE INDEX custom_views_created ON custom_views (created_at DESC, id DESC);
CREATE INDEX custom_views_owner ON custom_views (owner_id);

-- A view made without an owner is its creator's.
CREATE FUNCTION custom_view_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.owner_id := coalesce(NEW.owner_id, NEW.creator_id);
    RETURN NEW;
END $$;
CREATE TRIGGER custom_views_owner BEFORE INSERT ON custom_views
    FOR EACH ROW EXECUTE FUNCTION custom_view_owner();

-- `filters` is Linear's deprecated name of `filterData`. The view preferences are not
-- modelled (null: none set).
CREATE FUNCTION custom_view_doc(v custom_views) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', v.id, 'name', v.name, 'description', v.description, 'icon', v.icon,
    'color', v.color, 'shared', v.shared, 'slugId', v.slug_id, 'modelName', v.model_name,
    'filterData', coalesce(v.filter_data, '{}'::jsonb),
    'filters', coalesce(v.filter_data, '{}'::jsonb),
    'projectFilterData', v.project_filter_data,
    'initiativeFilterData', v.initiative_filter_data, 'feedItemFilterData', NULL,
    'team', ref(v.team_id), 'owner', ref(v.owner_id), 'creator', ref(v.creator_id),
    'updatedBy', ref(v.updated_by_id), 'organizationViewPreferences', NULL,
    'userViewPreferences', NULL, 'viewPreferencesValues', NULL,
    'createdAt', iso(v.created_at), 'updatedAt', iso(v.updated_at),
    'archivedAt', iso(v.archived_at))
$$;
