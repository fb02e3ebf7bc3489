-- Limitry (served under /v1). Ids are Limitry-style (mtr_, lmt_, cust_, evt_, alrt_); seq orders pages.
-- Customers are keyed by the id the caller's system knows (external_id): events, limits and checks name them so.
CREATE TABLE limitry_customers (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  external_id          TEXT    NOT NULL UNIQUE,
  name                 TEXT,
  email                TEXT,
  billing_cycle_start  TEXT,
  timezone             TEXT,
  metadata             TEXT    NOT NULL DEFAULT '{}',
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);

CREATE TABLE limitry_meters (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  name                 TEXT    NOT NULL,
  description          TEXT,
  aggregation          TEXT    NOT NULL CHECK (aggregation IN ('sum', 'count', 'max', 'latest')),
  field                TEXT    NOT NULL,
  event_filter         TEXT,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);

CREATE TABLE limitry_limits (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  name                 TEXT    NOT NULL,
  meter_id             TEXT    NOT NULL REFERENCES limitry_meters (id),
  limit_value          INTEGER NOT NULL CHECK (limit_value > 0),
  period               TEXT    NOT NULL CHECK (period IN ('hour', 'day', 'week', 'month', 'annual', 'all_time')),
  customer_id          TEXT,
  dimension_filters    TEXT    NOT NULL DEFAULT '{}',
  alert_thresholds     TEXT,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);
CREATE INDEX limitry_limits_customer ON limitry_limits (customer_id);

-- ts_ms: the event's own time (backdating allowed), in Unix milliseconds, which windows compare against.
CREATE TABLE limitry_events (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  customer_id          TEXT    NOT NULL,
  event_type           TEXT    NOT NULL,
  ts_ms                INTEGER NOT NULL,
  event_values         TEXT    NOT NULL DEFAULT '{}',
  dimensions           TEXT    NOT NULL DEFAULT '{}',
  properties           TEXT    NOT NULL DEFAULT '{}',
  created_at           TEXT    NOT NULL
);
CREATE INDEX limitry_events_customer_time ON limitry_events (customer_id, ts_ms);
CREATE INDEX limitry_events_time ON limitry_events (ts_ms);

-- One alert per limit, customer, window and threshold: the unique key is what makes it fire once.
-- window_start is '' for all_time.
CREATE TABLE limitry_alerts (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  limit_id             TEXT    NOT NULL,
  customer_id          TEXT    NOT NULL,
  window_start         TEXT    NOT NULL,
  threshold            INTEGER NOT NULL,
  payload              TEXT    NOT NULL,
  created_at           TEXT    NOT NULL,
  UNIQUE (limit_id, customer_id, window_start, threshold)
);
