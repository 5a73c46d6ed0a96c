-- Each resource as the JSON object Linear's schema describes (field names are Linear's), built
-- in one place so every query returns the same shape. A relation is `{"id": …}`; the server
-- loads the whole object only when a query selects more than its id. `base` is the
-- workspace's URL (the clone's public URL and the organization's url key, computed once per
-- statement), `viewer` the authenticated user's id.

-- STABLE (to_char is): so Postgres inlines it instead of calling a function per value.
CREATE OR REPLACE FUNCTION iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- STABLE too (json_build_object is): an IMMUTABLE label over a STABLE body stops Postgres
-- inlining it, and an issue has seven of these.
CREATE OR REPLACE FUNCTION ref(id text) RETURNS json LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN id IS NULL THEN NULL ELSE json_build_object('id', id) END $$;

CREATE OR REPLACE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT left(trim(both '-' FROM lower(regexp_replace(t, '[^a-zA-Z0-9]+', '-', 'g'))), 60) $$;

CREATE OR REPLACE FUNCTION priority_label(p integer) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE p WHEN 1 THEN 'Urgent' WHEN 2 THEN 'High' WHEN 3 THEN 'Medium' WHEN 4 THEN 'Low'
                 ELSE 'No priority' END $$;

-- An issue's document less `url`: everything in it comes from the row, so a trigger renders
-- it once per write into `issues.body` (`0003_issue_triggers.sql`) rather than every read
-- rendering some forty values again, nine timestamps through `to_char`.
CREATE OR REPLACE FUNCTION issue_body(i issues) RETURNS text LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', i.id, 'identifier', i.identifier, 'number', i.number, 'title', i.title,
    'description', i.description, 'priority', i.priority,
    'priorityLabel', priority_label(i.priority), 'estimate', i.estimate,
    'sortOrder', i.sort_order, 'boardOrder', i.sort_order, 'prioritySortOrder', i.sort_order,
    'subIssueSortOrder', i.sub_issue_sort_order,
    'createdAt', iso(i.created_at), 'updatedAt', iso(i.updated_at),
    'archivedAt', iso(i.archived_at), 'trashed', i.trashed,
    'startedAt', iso(i.started_at), 'completedAt', iso(i.completed_at),
    'canceledAt', iso(i.canceled_at), 'addedToCycleAt', iso(i.added_to_cycle_at),
    'addedToProjectAt', iso(i.added_to_project_at), 'addedToTeamAt', iso(i.added_to_team_at),
    'dueDate', to_char(i.due_date, 'YYYY-MM-DD'),
    'branchName', lower(i.identifier) || '-' || i.slug,
    'labelIds', to_json(i.label_ids), 'previousIdentifiers', '[]'::json,
    'customerTicketCount', 0, 'reactionData', '[]'::json, 'reactions', '[]'::json,
    'inheritsSharedAccess', false,
    'sharedAccess', json_build_object('isShared', false, 'sharedWithCount', 0,
        'sharedWithUsers', '[]'::json, 'disallowedIssueFields', '[]'::json,
        'viewerHasOnlySharedAccess', false),
    'team', ref(i.team_id), 'state', ref(i.state_id), 'assignee', ref(i.assignee_id),
    'creator', ref(i.creator_id), 'parent', ref(i.parent_id), 'project', ref(i.project_id),
    'cycle', ref(i.cycle_id), 'projectMilestone', ref(i.project_milestone_id))::text
$$;

-- The issue's document, as JSON text: `url` (the one member that depends on where the clone
-- is served) in front of the stored members. A row the trigger has not rendered (none, but
-- for what a reset restores with triggers off, which carries its own body) is rendered here.
CREATE OR REPLACE FUNCTION issue_doc(i issues, base text) RETURNS text LANGUAGE sql STABLE AS $$
SELECT '{"url" : ' || to_json(base || '/issue/' || i.identifier || '/' || i.slug)::text || ', '
    || substr(coalesce(i.body, issue_body(i)), 2)
$$;

CREATE OR REPLACE FUNCTION user_doc(u users, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', u.id, 'name', u.name, 'displayName', u.display_name, 'email', u.email,
    'active', u.active, 'admin', u.admin, 'owner', u.admin, 'app', false, 'guest', false,
    'avatarBackgroundColor', '#' || substr(md5(u.id), 1, 6),
    'initials', upper(left(u.name, 1) || coalesce(left(split_part(u.name, ' ', 2), 1), '')),
    'createdAt', iso(u.created_at), 'updatedAt', iso(u.updated_at),
    'archivedAt', iso(u.archived_at),
    'createdIssueCount', (SELECT count(*) FROM issues WHERE creator_id = u.id),
    'inviteHash', substr(md5('invite:' || u.id), 1, 16),
    'isMe', u.id = viewer, 'isAssignable', u.active, 'isMentionable', u.active,
    'supportsAgentSessions', false, 'canAccessAnyPublicTeam', true,
    'timezone', u.timezone, 'url', base || '/profiles/' || u.display_name)
$$;

CREATE OR REPLACE FUNCTION first_state(team text, kinds text[]) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT id FROM workflow_states WHERE team_id = team AND type = ANY(kinds) AND archived_at IS NULL
   ORDER BY array_position(kinds, type), position LIMIT 1 $$;

CREATE OR REPLACE FUNCTION team_doc(t teams, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (json_build_object(
    'id', t.id, 'key', t.key, 'name', t.name, 'displayName', t.name,
    'description', t.description, 'color', t.color, 'icon', t.icon, 'private', t.private,
    'visibility', CASE WHEN t.private THEN 'private' ELSE 'public' END,
    'timezone', t.timezone, 'createdAt', iso(t.created_at), 'updatedAt', iso(t.updated_at),
    'archivedAt', iso(t.archived_at),
    'cyclesEnabled', t.cycles_enabled, 'cycleStartDay', 1, 'cycleDuration', 2,
    'cycleCooldownTime', 0, 'upcomingCycleCount', 2, 'autoArchivePeriod', 6,
    'cycleIssueAutoAssignCompleted', false, 'cycleIssueAutoAssignStarted', false,
    'cycleLockToActive', false,
    'cycleCalenderUrl', base || '/team/' || t.key || '/cycles',
    'defaultIssueEstimate', 1, 'issueEstimationType', 'notUsed',
    'issueEstimationAllowZero', false, 'issueEstimationExtended', false,
    'inheritIssueEstimation', false, 'inheritWorkflowStatuses', false,
    'initiativesEnabled', false, 'groupIssueHistory', true)::jsonb
 || json_build_object(
    'issueOrderingNoPriorityFirst', false, 'issueSortOrderDefaultToBottom', false,
    'requirePriorityToLeaveTriage', false, 'scimManaged', false,
    'securitySettings', '{}'::json, 'setIssueSortOrderOnStateChange', 'default',
    'slackIssueComments', true, 'slackIssueStatuses', true, 'slackNewIssue', true,
    'triageEnabled', false, 'aiDiscussionSummariesEnabled', false,
    'aiThreadSummariesEnabled', false, 'ledInitiativeCount', 0,
    'inviteHash', substr(md5('invite:' || t.id), 1, 16),
    'issueCount', (SELECT count(*) FROM issues WHERE team_id = t.id AND archived_at IS NULL),
    'viewerMembership', (SELECT ref(id) FROM team_members WHERE team_id = t.id AND user_id = viewer),
    'viewerCanJoin', NOT t.private AND t.archived_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM team_members WHERE team_id = t.id AND user_id = viewer),
    'viewerCanLeave', EXISTS (SELECT 1 FROM team_members WHERE team_id = t.id AND user_id = viewer),
    'activeCycle', ref((SELECT id FROM cycles c WHERE c.team_id = t.id AND c.archived_at IS NULL
        AND now() >= c.starts_at AND now() < c.ends_at ORDER BY c.number LIMIT 1)),
    'defaultIssueState', ref(first_state(t.id, ARRAY['backlog', 'unstarted'])),
    'startWorkflowState', ref(first_state(t.id, ARRAY['started'])))::jsonb)::json
$$;

CREATE OR REPLACE FUNCTION state_doc(s workflow_states) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'type', s.type, 'color', s.color, 'position', s.position,
    'description', s.description, 'createdAt', iso(s.created_at),
    'updatedAt', iso(s.updated_at), 'archivedAt', iso(s.archived_at), 'team', ref(s.team_id))
$$;

CREATE OR REPLACE FUNCTION label_doc(l issue_labels) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', l.id, 'name', l.name, 'color', l.color, 'description', l.description,
    'isGroup', l.is_group, 'createdAt', iso(l.created_at), 'updatedAt', iso(l.updated_at),
    'archivedAt', iso(l.archived_at), 'team', ref(l.team_id), 'parent', ref(l.parent_id),
    'creator', ref(l.creator_id))
$$;

CREATE OR REPLACE FUNCTION project_status_doc(s project_statuses) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'type', s.type, 'color', s.color, 'position', s.position,
    'indefinite', s.type IN ('backlog', 'paused'), 'createdAt', iso(s.created_at),
    'updatedAt', iso(s.created_at))
$$;

CREATE OR REPLACE FUNCTION project_progress(project text) RETURNS double precision LANGUAGE sql STABLE AS $$
SELECT coalesce(avg(CASE WHEN s.type IN ('completed', 'canceled') THEN 1.0 ELSE 0.0 END), 0)
FROM issues i JOIN workflow_states s ON s.id = i.state_id
WHERE i.project_id = project AND i.archived_at IS NULL
$$;

CREATE OR REPLACE FUNCTION project_doc(p projects, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', p.id, 'name', p.name, 'description', p.description, 'content', p.content,
    'slugId', p.slug_id, 'url', base || '/project/' || slug(p.name) || '-' || p.slug_id,
    'color', p.color, 'icon', p.icon,
    'state', (SELECT type FROM project_statuses WHERE id = p.status_id),
    'status', (SELECT project_status_doc(s) FROM project_statuses s WHERE s.id = p.status_id),
    'priority', p.priority, 'priorityLabel', priority_label(p.priority),
    'prioritySortOrder', p.sort_order, 'sortOrder', p.sort_order,
    'progress', project_progress(p.id),
    'scope', (SELECT count(*) FROM issues WHERE project_id = p.id AND archived_at IS NULL),
    'labelIds', '[]'::json, 'issueCountHistory', '[]'::json,
    'completedIssueCountHistory', '[]'::json, 'scopeHistory', '[]'::json,
    'completedScopeHistory', '[]'::json, 'inProgressScopeHistory', '[]'::json,
    'frequencyResolution', 'weekly', 'slackIssueComments', false,
    'slackIssueStatuses', false, 'slackNewIssue', false, 'resourceCount', 0,
    'startDate', to_char(p.start_date, 'YYYY-MM-DD'),
    'targetDate', to_char(p.target_date, 'YYYY-MM-DD'),
    'startedAt', iso(p.started_at), 'completedAt', iso(p.completed_at),
    'canceledAt', iso(p.canceled_at), 'createdAt', iso(p.created_at),
    'updatedAt', iso(p.updated_at), 'archivedAt', iso(p.archived_at), 'trashed', p.trashed,
    'lead', ref(p.lead_id), 'creator', ref(p.creator_id))
$$;

CREATE OR REPLACE FUNCTION cycle_doc(c cycles) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', c.id, 'number', c.number, 'name', c.name, 'description', c.description,
    'startsAt', iso(c.starts_at), 'endsAt', iso(c.ends_at), 'completedAt', iso(c.completed_at),
    'createdAt', iso(c.created_at), 'updatedAt', iso(c.updated_at),
    'archivedAt', iso(c.archived_at),
    'isActive', now() >= c.starts_at AND now() < c.ends_at,
    'isFuture', c.starts_at > now(), 'isPast', c.ends_at <= now(),
    'isNext', coalesce(c.id = (SELECT id FROM cycles n WHERE n.team_id = c.team_id AND n.starts_at > now()
                      AND n.archived_at IS NULL ORDER BY n.starts_at LIMIT 1), false),
    'isPrevious', coalesce(c.id = (SELECT id FROM cycles n WHERE n.team_id = c.team_id AND n.ends_at <= now()
                          AND n.archived_at IS NULL ORDER BY n.ends_at DESC LIMIT 1), false),
    'progress', coalesce((SELECT avg(CASE WHEN s.type IN ('completed', 'canceled') THEN 1.0 ELSE 0.0 END)
        FROM issues i JOIN workflow_states s ON s.id = i.state_id
        WHERE i.cycle_id = c.id AND i.archived_at IS NULL), 0),
    'issueCountHistory', '[]'::json, 'completedIssueCountHistory', '[]'::json,
    'scopeHistory', '[]'::json, 'completedScopeHistory', '[]'::json,
    'inProgressScopeHistory', '[]'::json, 'team', ref(c.team_id))
$$;

CREATE OR REPLACE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', c.id, 'body', c.body, 'createdAt', iso(c.created_at), 'updatedAt', iso(c.updated_at),
    'editedAt', iso(c.edited_at), 'archivedAt', iso(c.archived_at),
    'url', (SELECT base || '/issue/' || i.identifier || '/' || i.slug
            FROM issues i WHERE i.id = c.issue_id) || '#comment-' || left(c.id, 8),
    'issue', ref(c.issue_id), 'issueId', c.issue_id, 'user', ref(c.user_id),
    'parent', ref(c.parent_id), 'parentId', c.parent_id,
    'reactionData', '[]'::json, 'reactions', '[]'::json)
$$;

CREATE OR REPLACE FUNCTION attachment_doc(a attachments) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', a.id, 'title', a.title, 'subtitle', a.subtitle, 'url', a.url, 'metadata', a.metadata,
    'groupBySource', false, 'createdAt', iso(a.created_at), 'updatedAt', iso(a.updated_at),
    'archivedAt', iso(a.archived_at), 'issue', ref(a.issue_id), 'creator', ref(a.creator_id))
$$;

CREATE OR REPLACE FUNCTION webhook_doc(w webhooks) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', w.id, 'url', w.url, 'label', w.label, 'enabled', w.enabled, 'secret', w.secret,
    'resourceTypes', to_json(w.resource_types), 'allPublicTeams', w.all_public_teams,
    'createdAt', iso(w.created_at), 'updatedAt', iso(w.updated_at),
    'archivedAt', iso(w.archived_at), 'team', ref(w.team_id), 'creator', ref(w.creator_id))
$$;

CREATE OR REPLACE FUNCTION history_doc(h issue_history) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (h.changes || jsonb_build_object(
    'id', h.id, 'createdAt', iso(h.created_at), 'updatedAt', iso(h.created_at),
    'issue', ref(h.issue_id), 'actor', ref(h.actor_id), 'actorId', h.actor_id))::json
$$;

CREATE OR REPLACE FUNCTION organization_doc(o organization, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (json_build_object(
    'id', o.id, 'name', o.name, 'urlKey', o.url_key, 'createdAt', iso(o.created_at),
    'updatedAt', iso(o.updated_at),
    'userCount', (SELECT count(*) FROM users WHERE active),
    'createdIssueCount', (SELECT count(*) FROM issues),
    'customerCount', 0, 'periodUploadVolume', 0, 'previousUrlKeys', '[]'::json,
    'allowedAuthServices', '[]'::json, 'authSettings', '{}'::json,
    'securitySettings', '{}'::json, 'customersConfiguration', '{}'::json,
    'projectStatuses', (SELECT coalesce(json_agg(project_status_doc(s) ORDER BY s.position), '[]')
                        FROM project_statuses s),
    'fiscalYearStartMonth', 0, 'initiativeUpdateRemindersDay', 'Friday',
    'initiativeUpdateRemindersHour', 14, 'projectUpdateRemindersDay', 'Friday',
    'projectUpdateRemindersHour', 14, 'projectUpdatesReminderFrequency', 'week')::jsonb
 || json_build_object(
    'pullRequestIssueMode', 'disabled', 'releaseChannel', 'public', 'slaDayCount', 'all',
    'slackProjectChannelPrefix', 'proj', 'aiDiscussionSummariesEnabled', false,
    'aiThreadSummariesEnabled', false, 'customersEnabled', false, 'feedEnabled', false,
    'gitLinkbackMessagesEnabled', false, 'gitPublicLinkbackMessagesEnabled', false,
    'gitLinkbackDescriptionsEnabled', false, 'hideNonPrimaryOrganizations', false,
    'hipaaComplianceEnabled', false, 'pullRequestTourEnabled', false,
    'releasesEnabled', false, 'roadmapEnabled', false, 'samlEnabled', false,
    'scimEnabled', false, 'suggestedBranchNameEnabled', true)::jsonb)::json
$$;
