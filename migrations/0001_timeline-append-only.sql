-- The timeline is append-only: history is evidence, so no route, activity or hand-typed SQL may rewrite it.
CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'complaint_events is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER complaint_events_no_update BEFORE UPDATE OR DELETE ON complaint_events
  FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
