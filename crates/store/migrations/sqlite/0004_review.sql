-- Expert review (评审): the expert pool, 申请回避, rounds with phases and a rubric, assignments,
-- reviews with immutable submitted versions, integrity pledges, visit records, decisions and
-- 立项 letters, in-app notifications and the mail outbox.

CREATE TABLE expert_profiles (
    user_id                  BIGINT PRIMARY KEY REFERENCES users (id),
    title                    TEXT NOT NULL,
    affiliation_org_id       BIGINT REFERENCES organizations (id),
    affiliation_name         TEXT NOT NULL,
    province_code            TEXT NOT NULL,
    fields                   TEXT NOT NULL,
    keywords                 TEXT NOT NULL,
    max_load                 INTEGER NOT NULL CHECK (max_load BETWEEN 0 AND 200),
    available                INTEGER NOT NULL,
    conflict_org_ids         TEXT NOT NULL,
    conflict_application_ids TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);

CREATE TABLE avoid_requests (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    position        INTEGER NOT NULL CHECK (position BETWEEN 0 AND 2),
    name            TEXT NOT NULL,
    affiliation     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    expert_user_id  BIGINT REFERENCES users (id),
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    UNIQUE (application_id, position)
);

CREATE TABLE review_rounds (
    id                      INTEGER PRIMARY KEY,
    call_id                 BIGINT NOT NULL REFERENCES calls (id),
    kind                    TEXT NOT NULL CHECK (kind IN ('initial','mid_term','acceptance')),
    title                   TEXT NOT NULL,
    per_application         INTEGER NOT NULL CHECK (per_application BETWEEN 1 AND 15),
    rubric                  TEXT NOT NULL,
    disagreement_threshold  REAL NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('setup','reviewing','closed')),
    current_phase_id        BIGINT,
    assignment_mode         TEXT,
    assignment_seed         TEXT,
    created_by              BIGINT REFERENCES users (id),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX review_rounds_call ON review_rounds (call_id);

CREATE TABLE review_phases (
    id               INTEGER PRIMARY KEY,
    round_id         BIGINT NOT NULL REFERENCES review_rounds (id),
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('online','meeting','visit')),
    name             TEXT NOT NULL,
    blind            INTEGER NOT NULL,
    scores_editable  INTEGER NOT NULL,
    decider          TEXT NOT NULL CHECK (decider IN ('office','experts')),
    status           TEXT NOT NULL CHECK (status IN ('pending','active','closed')),
    UNIQUE (round_id, position)
);

CREATE TABLE review_assignments (
    id              INTEGER PRIMARY KEY,
    round_id        BIGINT NOT NULL REFERENCES review_rounds (id),
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    expert_user_id  BIGINT NOT NULL REFERENCES users (id),
    status          TEXT NOT NULL CHECK (status IN ('invited','accepted','declined','proposed')),
    source          TEXT NOT NULL CHECK (source IN ('optimal','random','manual','replacement')),
    fit             BIGINT NOT NULL,
    decline_reason  TEXT,
    replaces_id     BIGINT REFERENCES review_assignments (id),
    correction_allowed INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    responded_at    TEXT,
    UNIQUE (round_id, application_id, expert_user_id)
);
CREATE INDEX review_assignments_expert ON review_assignments (expert_user_id, round_id);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    assignment_id   BIGINT NOT NULL REFERENCES review_assignments (id),
    version         INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft','submitted')),
    scores          TEXT NOT NULL,
    recommendation  TEXT,
    opinion_html    TEXT NOT NULL,
    total           REAL,
    updated_at      TEXT NOT NULL,
    submitted_at    TEXT,
    UNIQUE (assignment_id, version)
);

CREATE TABLE review_pledges (
    round_id        BIGINT NOT NULL REFERENCES review_rounds (id),
    expert_user_id  BIGINT NOT NULL REFERENCES users (id),
    signed_at       TEXT NOT NULL,
    PRIMARY KEY (round_id, expert_user_id)
);

CREATE TABLE review_visits (
    id              INTEGER PRIMARY KEY,
    round_id        BIGINT NOT NULL REFERENCES review_rounds (id),
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    mode            TEXT NOT NULL CHECK (mode IN ('site','online')),
    visited_on      TEXT NOT NULL,
    participants    TEXT NOT NULL,
    notes           TEXT NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT NOT NULL
);

CREATE TABLE review_decisions (
    round_id        BIGINT NOT NULL REFERENCES review_rounds (id),
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    decision        TEXT NOT NULL CHECK (decision IN ('shortlisted','not_selected')),
    note            TEXT NOT NULL,
    decided_by      BIGINT REFERENCES users (id),
    decided_at      TEXT NOT NULL,
    letter_number   TEXT UNIQUE,
    letter_seq      INTEGER,
    letter_issued_at TEXT,
    PRIMARY KEY (round_id, application_id)
);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT REFERENCES users (id),
    org_id      BIGINT REFERENCES organizations (id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications (user_id);
CREATE INDEX notifications_org ON notifications (org_id);

CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
