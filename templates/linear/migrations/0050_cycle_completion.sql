-- A cycle completed early by `cycleStartUpcomingCycleToday` rolls its unfinished issues
-- (not archived, in no completed or canceled state) over to the cycle that starts; each is
-- recorded here, as the cycle's `uncompletedIssuesUponClose`.
CREATE TABLE cycle_uncompleted_issues (
    cycle_id  text NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    issue_id  text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    PRIMARY KEY (cycle_id, issue_id)
);
CREATE INDEX cycle_uncompleted_issues_issue ON cycle_uncompleted_issues (issue_id);
