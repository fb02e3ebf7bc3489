-- The first answer to each idempotency key, written in the same transaction as the change it answers, so a
-- retried call (its response lost) is answered again instead of applied again.
CREATE TABLE idempotency_keys (
  idempotency_key      TEXT    PRIMARY KEY,
  fingerprint          TEXT    NOT NULL,
  status               INTEGER NOT NULL,
  response             TEXT    NOT NULL,
  created_at           TEXT    NOT NULL
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
