-- Expired answers are pruned oldest first by rowid (see server/payi/idempotency.ts), so the index on their age,
-- one more B-tree written by every keyed write, is not needed.
DROP INDEX idempotency_keys_by_age;
