-- Calls (批次), applications (申报) with frozen versions, partner confirmations and invitations,
-- deadline extensions, attachments.

CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    field             TEXT NOT NULL,
    title             TEXT NOT NULL,
    doc_number        TEXT NOT NULL,
    opens_at          TEXT NOT NULL,
    deadline          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft','published')),
    contacts          TEXT NOT NULL,
    postal_address    TEXT NOT NULL,
    postal_code       TEXT NOT NULL,
    postal_recipient  TEXT NOT NULL,
    directions        TEXT NOT NULL,
    created_by        BIGINT REFERENCES users (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE deadline_extensions (
    id          INTEGER PRIMARY KEY,
    call_id     BIGINT NOT NULL REFERENCES calls (id),
    org_id      BIGINT REFERENCES organizations (id),
    deadline    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  BIGINT REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX deadline_extensions_call ON deadline_extensions (call_id, org_id);

CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    call_id            BIGINT NOT NULL REFERENCES calls (id),
    lead_org_id        BIGINT NOT NULL REFERENCES organizations (id),
    number             TEXT UNIQUE,
    status             TEXT NOT NULL,
    revision           BIGINT NOT NULL,
    form               TEXT NOT NULL,
    form_schema        INTEGER NOT NULL,
    lead_name          TEXT NOT NULL,
    institution_type   TEXT,
    direction          TEXT,
    submitted_version  INTEGER,
    submitted_at       TEXT,
    return_reasons     TEXT,
    correction_due     TEXT,
    paper_received_on  TEXT,
    paper_courier      TEXT,
    paper_tracking_no  TEXT,
    paper_printed_hash TEXT,
    paper_matches_version INTEGER,
    paper_recorded_at  TEXT,
    created_by         BIGINT REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (call_id, lead_org_id)
);
CREATE INDEX applications_status ON applications (call_id, status);

CREATE TABLE application_versions (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    version         INTEGER NOT NULL,
    form            TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    submitted_by    BIGINT REFERENCES users (id),
    submitted_at    TEXT NOT NULL,
    UNIQUE (application_id, version)
);

-- One row per partner organisation named by an application's form.
CREATE TABLE partner_confirmations (
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    org_id          BIGINT NOT NULL REFERENCES organizations (id),
    category        TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending','confirmed','declined')),
    reason          TEXT,
    responded_by    BIGINT REFERENCES users (id),
    responded_at    TEXT,
    PRIMARY KEY (application_id, org_id)
);
CREATE INDEX partner_confirmations_org ON partner_confirmations (org_id);

CREATE TABLE partner_invites (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    token_hash      TEXT NOT NULL UNIQUE,
    partner_index   INTEGER NOT NULL,
    partner_name    TEXT NOT NULL,
    contact_email   TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    org_id          BIGINT REFERENCES organizations (id)
);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    owner_type    TEXT NOT NULL CHECK (owner_type IN ('call','application')),
    owner_id      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL UNIQUE,
    uploaded_by   BIGINT REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);
