-- Cycles created at once for one team each take their own number: the trigger waits for the
-- team's other cycle inserts to commit (a transaction-scoped advisory lock per team) before it
-- reads the highest number, where before two of them read the same one and the second failed
-- UNIQUE (team_id, number) as "An entity with this identifier already exists".
CREATE OR REPLACE FUNCTION cycle_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('cycles ' || NEW.team_id));
        SELECT coalesce(max(number), 0) + 1 INTO NEW.number FROM cycles WHERE team_id = NEW.team_id;
    END IF;
    RETURN NEW;
END $$;
