-- A limit's max and threshold exactly as the client sent them (JSON numbers are doubles, which REAL holds
-- exactly), so reading a limit back returns what was sent and an idempotent create compares like with like.
-- max_units / threshold_units stay the rounded amounts spend is compared against.
ALTER TABLE limits ADD COLUMN max_usd REAL;
ALTER TABLE limits ADD COLUMN threshold_usd REAL;
UPDATE limits SET max_usd = max_units / 10000000000.0,
  threshold_usd = CASE WHEN threshold_units IS NULL THEN NULL ELSE threshold_units / 10000000000.0 END;
