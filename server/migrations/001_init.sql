-- Money columns hold integer units of 1e-10 USD (see server/domain/money.ts); thresholds use the same scale.
CREATE TABLE limits (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  limit_id             TEXT    NOT NULL UNIQUE,
  limit_name           TEXT    NOT NULL UNIQUE,
  limit_type           TEXT    NOT NULL CHECK (limit_type IN ('allow', 'block')),
  max_units            INTEGER NOT NULL CHECK (max_units > 0),
  threshold_units      INTEGER,
  properties           TEXT    NOT NULL DEFAULT '{}',
  limit_tags           TEXT    NOT NULL DEFAULT '[]',
  input_units          INTEGER NOT NULL DEFAULT 0,
  output_units         INTEGER NOT NULL DEFAULT 0,
  requests_ok          INTEGER NOT NULL DEFAULT 0,
  requests_blocked     INTEGER NOT NULL DEFAULT 0,
  requests_blocked_external INTEGER NOT NULL DEFAULT 0,
  requests_exceeded    INTEGER NOT NULL DEFAULT 0,
  requests_failed      INTEGER NOT NULL DEFAULT 0,
  requests_overrun     INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);

-- Totals as they were when a limit was reset.
CREATE TABLE limit_history (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  limit_id             TEXT    NOT NULL,
  snapshot             TEXT    NOT NULL,
  reset_at             TEXT    NOT NULL
);

CREATE TABLE use_case_definitions (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  name                 TEXT    NOT NULL UNIQUE,
  description          TEXT    NOT NULL,
  logging_enabled      INTEGER,
  type_version         INTEGER NOT NULL DEFAULT 1,
  limit_config         TEXT,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);

CREATE TABLE use_case_instances (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  use_case_id          TEXT    NOT NULL,
  use_case_name        TEXT    NOT NULL,
  limit_id             TEXT,
  type_version         INTEGER NOT NULL,
  created_at           TEXT    NOT NULL,
  UNIQUE (use_case_name, use_case_id)
);

-- Custom pricing versions; system prices are built in (server/domain/pricing.ts).
CREATE TABLE resources (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_id          TEXT    NOT NULL UNIQUE,
  category             TEXT    NOT NULL,
  resource             TEXT    NOT NULL,
  units                TEXT    NOT NULL,
  max_input_units      INTEGER,
  max_output_units     INTEGER,
  max_total_units      INTEGER,
  start_timestamp      TEXT    NOT NULL,
  created_at           TEXT    NOT NULL
);
CREATE INDEX resources_by_name ON resources (category, resource, seq);
