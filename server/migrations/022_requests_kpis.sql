-- Each ingested request's result, for `client.requests` lookups by request id and by provider response id.
CREATE TABLE requests (
  request_id           TEXT    PRIMARY KEY,
  category             TEXT    NOT NULL,
  provider_response_id TEXT,
  result               TEXT    NOT NULL,
  properties           TEXT    NOT NULL DEFAULT '{}',
  created_at           TEXT    NOT NULL
);
CREATE INDEX requests_by_provider_response ON requests (category, provider_response_id);

-- KPIs a use case is scored on, and each instance's scores.
CREATE TABLE use_case_kpis (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  use_case_name        TEXT    NOT NULL,
  name                 TEXT    NOT NULL,
  description          TEXT    NOT NULL,
  goal                 REAL    NOT NULL,
  kpi_type             TEXT    NOT NULL,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL,
  UNIQUE (use_case_name, name)
);

CREATE TABLE use_case_kpi_scores (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  use_case_name        TEXT    NOT NULL,
  use_case_id          TEXT    NOT NULL,
  kpi_name             TEXT    NOT NULL,
  score                REAL,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL,
  UNIQUE (use_case_name, use_case_id, kpi_name)
);

ALTER TABLE use_case_instances ADD COLUMN properties TEXT NOT NULL DEFAULT '{}';
