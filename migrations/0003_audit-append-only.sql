-- The audit log is evidence: append-only, like the timeline (same refusal function).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
