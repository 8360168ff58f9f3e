-- Audit events are first written to this inbox inside the transaction of the change they record
-- (one uncontended INSERT), and a single chainer moves them, in batches, into the hash-chained
-- audit_events table. The request path no longer serialises on audit_head.
CREATE TABLE audit_inbox (
    id           BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT,
    actor_login  TEXT,
    role         TEXT,
    org_id       BIGINT,
    action       TEXT NOT NULL,
    object_type  TEXT,
    object_id    TEXT,
    result       TEXT NOT NULL,
    ip           TEXT,
    request_id   TEXT,
    detail       TEXT NOT NULL
);
