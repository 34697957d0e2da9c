-- Append-only, with one audited exception: erasure of a customer's personal data (GDPR / PIPL). Only a
-- transaction that sets app.erasure = 'on' (SET LOCAL, see src/db/queries/erasure.ts) may UPDATE the
-- timeline; DELETE stays refused for everyone.
CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'complaint_events' AND current_setting('app.erasure', true) = 'on' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
