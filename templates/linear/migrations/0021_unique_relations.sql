-- An issue is related to another issue by one type once: a second `issueRelationCreate` of
-- the same issue, related issue and type (or an update making one) is refused by this index.
CREATE UNIQUE INDEX issue_relations_unique ON issue_relations (issue_id, related_issue_id, type)
    WHERE archived_at IS NULL;
