-- The workspace's settings (`organizationUpdate`): `settings` keeps what the updates wrote
-- (their inputs merged, a later one over an earlier, nested objects key by key), read back
-- through `organization_doc` over the defaults a workspace starts with; `previous_url_keys`
-- the last three URL keys the workspace moved away from, newest first.
ALTER TABLE organization
    ADD COLUMN settings          jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN previous_url_keys text[] NOT NULL DEFAULT '{}';

-- A role of `securitySettings` that only admins (and owners) have.
CREATE FUNCTION admins_only(role text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN role IS NULL THEN NULL ELSE role IN ('admin', 'owner') END $$;

-- The document of 0002 (what no setting changes) keeps its name as the base a workspace's
-- settings are laid over.
ALTER FUNCTION organization_doc(organization, text) RENAME TO organization_base_doc;

CREATE FUNCTION organization_doc(o organization, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (organization_base_doc(o, base)::jsonb || json_build_object(
    'previousUrlKeys', to_json(o.previous_url_keys),
    'logoUrl', s ->> 'logoUrl', 'gitBranchFormat', s ->> 'gitBranchFormat',
    'defaultHomeView', s ->> 'defaultHomeView',
    'defaultFeedSummarySchedule', s ->> 'defaultFeedSummarySchedule',
    'allowedFileUploadContentTypes', nullif(s -> 'allowedFileUploadContentTypes', 'null'),
    'authSettings', coalesce(nullif(s -> 'authSettings', 'null'), '{}'),
    'allowedAuthServices', coalesce(nullif(s -> 'authSettings' -> 'allowedAuthServices', 'null'), '[]'),
    'hideNonPrimaryOrganizations',
        coalesce((s -> 'authSettings' ->> 'hideNonPrimaryOrganizations')::bool, false),
    'securitySettings', coalesce(nullif(s -> 'securitySettings', 'null'), '{}'),
    'allowMembersToInvite', NOT admins_only(s -> 'securitySettings' ->> 'invitationsRole'),
    'restrictTeamCreationToAdmins', admins_only(s -> 'securitySettings' ->> 'teamCreationRole'),
    'restrictLabelManagementToAdmins',
        admins_only(s -> 'securitySettings' ->> 'labelManagementRole'),
    'customersConfiguration', coalesce(nullif(s -> 'customersConfiguration', 'null'), '{}'))::jsonb
 || json_build_object(
    'fiscalYearStartMonth', coalesce((s ->> 'fiscalYearStartMonth')::float8, 0),
    'initiativeUpdateReminderFrequencyInWeeks',
        (s ->> 'initiativeUpdateReminderFrequencyInWeeks')::float8,
    'initiativeUpdateRemindersDay', coalesce(s ->> 'initiativeUpdateRemindersDay', 'Friday'),
    'initiativeUpdateRemindersHour', coalesce((s ->> 'initiativeUpdateRemindersHour')::float8, 14),
    'projectUpdateReminderFrequencyInWeeks', project_weeks,
    'projectUpdateRemindersDay', coalesce(s ->> 'projectUpdateRemindersDay', 'Friday'),
    'projectUpdateRemindersHour', coalesce((s ->> 'projectUpdateRemindersHour')::float8, 14),
    'projectUpdatesReminderFrequency', CASE coalesce(project_weeks, 0)
        WHEN 0 THEN 'never' WHEN 2 THEN 'twoWeeks' WHEN 4 THEN 'month' ELSE 'week' END,
    'pullRequestIssueMode', coalesce(s ->> 'pullRequestIssueMode', 'off'),
    'slackProjectChannelPrefix', coalesce(s ->> 'slackProjectChannelPrefix', 'proj-'))::jsonb
 || (SELECT jsonb_object_agg(flag, coalesce((s ->> flag)::bool, false))
     FROM unnest(ARRAY['aiDiscussionSummariesEnabled', 'aiThreadSummariesEnabled',
         'customersEnabled', 'feedEnabled', 'gitLinkbackMessagesEnabled',
         'gitPublicLinkbackMessagesEnabled', 'gitLinkbackDescriptionsEnabled',
         'hipaaComplianceEnabled', 'pullRequestTourEnabled', 'roadmapEnabled']) flag))::json
FROM (SELECT o.settings AS s,
             CASE WHEN o.settings ? 'projectUpdateReminderFrequencyInWeeks'
                  THEN (o.settings ->> 'projectUpdateReminderFrequencyInWeeks')::float8
                  ELSE 1 END AS project_weeks) settings
$$;
