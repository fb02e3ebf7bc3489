-- Running usage per (limit, customer) in the limit's current window, kept up to date as events are recorded, so
-- that recording an event (and the alerts it fires) costs the same however many events the window already holds.
-- A row for another window than the current one is stale and recomputed from limitry_events once.
-- window_start is '' for all_time; latest_ts (Unix ms) is the time of the event a `latest` meter reads.
CREATE TABLE limitry_usage (
  limit_id             TEXT    NOT NULL,
  customer_id          TEXT    NOT NULL,
  window_start         TEXT    NOT NULL,
  used                 REAL    NOT NULL,
  latest_ts            INTEGER,
  PRIMARY KEY (limit_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX limitry_usage_customer ON limitry_usage (customer_id);
