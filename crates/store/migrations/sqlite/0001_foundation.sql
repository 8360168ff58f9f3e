-- Foundation: organisations, users, role grants, sessions, login throttling, audit log.

CREATE TABLE organizations (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('office','alliance','university','enterprise','sme_center','association','park')),
    name              TEXT NOT NULL,
    uscc              TEXT NOT NULL UNIQUE,
    province_code     TEXT NOT NULL,
    city              TEXT,
    address           TEXT,
    postal_code       TEXT,
    contact_name      TEXT NOT NULL,
    contact_phone     TEXT NOT NULL,
    contact_email     TEXT NOT NULL,
    university_type   TEXT CHECK (university_type IN ('undergraduate','higher_vocational')),
    university_nature TEXT CHECK (university_nature IN ('public','private')),
    srdi_level        TEXT CHECK (srdi_level IN ('little_giant','provincial_srdi','chain_leader','other')),
    field             TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX organizations_kind ON organizations (kind, province_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    org_id               BIGINT REFERENCES organizations (id),
    phone                TEXT,
    email                TEXT,
    disabled             INTEGER NOT NULL DEFAULT 0,
    password_changed_at  TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    last_login_at        TEXT
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE role_grants (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('sys_admin','security_admin','audit_admin','office','field_organiser','expert','org_admin','org_staff','student')),
    org_id      BIGINT REFERENCES organizations (id),
    field       TEXT,
    granted_by  BIGINT REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (user_id, role, COALESCE(org_id, 0), COALESCE(field, ''));
-- 三员分立: at most one of the three separated administrator roles per account.
CREATE UNIQUE INDEX role_grants_one_separated_admin ON role_grants (user_id)
    WHERE role IN ('sys_admin','security_admin','audit_admin');

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins are counted per login name, whether or not the account exists, so the answer
-- (and the lockout) is the same for unknown and known logins. In the database so that every
-- node behind a load balancer sees the same counters.
CREATE TABLE login_throttle (
    login         TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    locked_until  TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE audit_events (
    id           BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
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
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_login);

-- The head of the hash chain; updating it first serialises appends.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the database itself refuses edits and deletions of audit rows.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
