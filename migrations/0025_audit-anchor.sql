-- The switch-over to the keyed chain: entries up to the newest one now are plain SHA-256 and keep
-- verifying as they are; every later entry must be an HMAC under an audit key (src/audit/chain.ts).
INSERT INTO audit_chain (keyed_from) SELECT coalesce(max(id), 0) FROM audit_log;--> statement-breakpoint
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();--> statement-breakpoint
-- Row triggers never see TRUNCATE: a statement trigger refuses it on the evidence tables. The erasure
-- path (0006) only UPDATEs complaint_events, so it is untouched.
CREATE FUNCTION evidence_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_no_truncate();--> statement-breakpoint
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_no_truncate();--> statement-breakpoint
CREATE TRIGGER complaint_events_no_truncate BEFORE TRUNCATE ON complaint_events
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_no_truncate();
