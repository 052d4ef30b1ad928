-- The durable function engine's schema for H2, version 7.
--
-- The engine creates it at start-up as inngest.local.schema.initialize says (embedded databases
-- only, by default). To manage it by hand, apply this file once and set
-- inngest.local.schema.initialize=never. Every statement only creates what is missing, or drops
-- what an earlier build created and the engine no longer uses, so the file can be applied again
-- safely, and it migrates a database of an earlier version. The version rows at the end tell the
-- engine which version of the schema the database has.
--
-- When it creates the schema, the engine also raises H2's MAX_LENGTH_INPLACE_LOB, a setting of
-- the whole database, to 65536 if it is lower, so that JSON of up to 64 KiB is kept in its row
-- rather than stored apart: to do the same by hand, run SET MAX_LENGTH_INPLACE_LOB 65536 once as
-- an administrator of the database.
CREATE TABLE IF NOT EXISTS inngest_event (
    id          VARCHAR(64)              NOT NULL PRIMARY KEY,
    name        VARCHAR(255)             NOT NULL,
    data        CLOB                     NOT NULL,
    user_data   CLOB,
    ts          BIGINT                   NOT NULL,
    v           VARCHAR(64),
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
-- Events are read by id, and by the time they were received only by the retention
-- (inngest.local.retention), which deletes those older than its period that no run needs: from
-- this index, a batch at a time, instead of reading the whole table at every sweep. Version 3
-- added it. Databases made by earlier builds may have one on (name, received_at), which no query
-- read; it is dropped.
DROP INDEX IF EXISTS inngest_event_name;
CREATE INDEX IF NOT EXISTS inngest_event_received ON inngest_event (received_at, id);
-- An id given by the sender starts no run when an event of that id was received in the 24 hours
-- before, Inngest's deduplication window. An event sent again with it later is stored under a key
-- the engine makes, the id it was sent with in sent_id, and inngest_event_resent points the id at
-- that latest event of it. The retention deletes a pointer with its event. Version 7 added them.
ALTER TABLE inngest_event ADD COLUMN IF NOT EXISTS sent_id VARCHAR(64);
CREATE TABLE IF NOT EXISTS inngest_event_resent (
    id          VARCHAR(64)              NOT NULL PRIMARY KEY,
    event_key   VARCHAR(64)              NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS inngest_event_resent_key ON inngest_event_resent (event_key);

CREATE TABLE IF NOT EXISTS inngest_run (
    id            VARCHAR(32)              NOT NULL PRIMARY KEY,
    function_id   VARCHAR(128)             NOT NULL,
    event_id      VARCHAR(64)              NOT NULL,
    status        VARCHAR(16)              NOT NULL,
    attempt       INT                      NOT NULL,
    due_at        TIMESTAMP WITH TIME ZONE,
    lease         VARCHAR(96),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE,
    ended_at      TIMESTAMP WITH TIME ZONE,
    output        CLOB,
    error_name    VARCHAR(255),
    error_message CLOB,
    error_stack   CLOB,
    cancelled_by  VARCHAR(32),
    cancel_reason VARCHAR(1024),
    last_step_key        VARCHAR(512),
    last_step_id         VARCHAR(512),
    last_step_output     CLOB,
    last_step_started_at TIMESTAMP WITH TIME ZONE,
    last_step_ended_at   TIMESTAMP WITH TIME ZONE
);
-- The step a run completed with, when no row of inngest_step has it: a step that completes right
-- before its run does is stored with the run's completion, in the run's row, rather than in a row
-- of its own (kind RUN, status COMPLETED, one attempt). Version 2 added these columns.
ALTER TABLE inngest_run ADD COLUMN IF NOT EXISTS last_step_key VARCHAR(512);
ALTER TABLE inngest_run ADD COLUMN IF NOT EXISTS last_step_id VARCHAR(512);
ALTER TABLE inngest_run ADD COLUMN IF NOT EXISTS last_step_output CLOB;
ALTER TABLE inngest_run ADD COLUMN IF NOT EXISTS last_step_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE inngest_run ADD COLUMN IF NOT EXISTS last_step_ended_at TIMESTAMP WITH TIME ZONE;
-- Runs by due time, read by claims. A run that ended has no due time and is kept in it by the time it
-- ended, which the charts' roll-up reads: the end changes the entry it changed before, and no other.
-- Version 6 added ended_at to it, in place of an index of due_at alone, which it drops.
DROP INDEX IF EXISTS inngest_run_due;
CREATE INDEX IF NOT EXISTS inngest_run_due_ended ON inngest_run (due_at, ended_at);
-- A function's runs by id, newest first for lists, and by a range of ids for a bulk cancellation's
-- time range: a run's id begins with its creation time.
CREATE INDEX IF NOT EXISTS inngest_run_function ON inngest_run (function_id, id);
-- No index on status, unlike PostgreSQL's schema. H2 reads a list of runs by status through such
-- an index whenever there is one: it reads every run of that status and sorts them, hundreds of
-- milliseconds for a common status among a million runs, where the primary key read backwards
-- finds the newest at once. And every claim and completion would change it.

CREATE TABLE IF NOT EXISTS inngest_step (
    run_id        VARCHAR(32)              NOT NULL,
    step_key      VARCHAR(512)             NOT NULL,
    step_id       VARCHAR(512)             NOT NULL,
    kind          VARCHAR(8)               NOT NULL,
    status        VARCHAR(16)              NOT NULL,
    attempts      INT                      NOT NULL,
    output        CLOB,
    error_name    VARCHAR(255),
    error_message CLOB,
    error_stack   CLOB,
    wake_at       TIMESTAMP WITH TIME ZONE,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at      TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, step_key)
);

CREATE TABLE IF NOT EXISTS inngest_attempt (
    run_id        VARCHAR(32)              NOT NULL,
    step_key      VARCHAR(512)             NOT NULL,
    attempt       INT                      NOT NULL,
    error_name    VARCHAR(255)             NOT NULL,
    error_message CLOB,
    error_stack   CLOB,
    failed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (run_id, step_key, attempt)
);

-- Runs waiting for events: waitForEvent steps (kind WAIT), @CancelOn rules (kind CANCEL) and invoke
-- steps waiting for the inngest/function.finished event of the run they invoked (kind INVOKE).
CREATE TABLE IF NOT EXISTS inngest_wait (
    run_id      VARCHAR(32)              NOT NULL,
    step_key    VARCHAR(512)             NOT NULL,
    kind        VARCHAR(8)               NOT NULL,
    event_name  VARCHAR(255)             NOT NULL,
    match_path  VARCHAR(255),
    match_value VARCHAR(1024),
    wait_condition CLOB,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (run_id, step_key)
);
CREATE INDEX IF NOT EXISTS inngest_wait_match ON inngest_wait (event_name, match_path, match_value);

CREATE TABLE IF NOT EXISTS inngest_cancellation (
    id             VARCHAR(32)              NOT NULL PRIMARY KEY,
    name           VARCHAR(255),
    function_id    VARCHAR(128)             NOT NULL,
    started_after  TIMESTAMP WITH TIME ZONE NOT NULL,
    started_before TIMESTAMP WITH TIME ZONE NOT NULL,
    run_condition  CLOB,
    state          VARCHAR(16)              NOT NULL,
    matched        BIGINT                   NOT NULL,
    cancelled      BIGINT                   NOT NULL,
    last_run_id    VARCHAR(32),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Runs that run an ended run again (reruns and bulk replays), each with the run it replays, read
-- both ways: a run's row is deleted with the run by the retention. Version 4 added it.
CREATE TABLE IF NOT EXISTS inngest_rerun (
    run_id     VARCHAR(32)              NOT NULL PRIMARY KEY,
    rerun_of   VARCHAR(32)              NOT NULL,
    replay_id  VARCHAR(32),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS inngest_rerun_of ON inngest_rerun (rerun_of, run_id);

-- Bulk replays, as bulk cancellations: statuses lists the states of the runs replayed, such as
-- FAILED,CANCELLED. Version 4 added it.
CREATE TABLE IF NOT EXISTS inngest_replay (
    id             VARCHAR(32)              NOT NULL PRIMARY KEY,
    name           VARCHAR(255),
    function_id    VARCHAR(128)             NOT NULL,
    started_after  TIMESTAMP WITH TIME ZONE NOT NULL,
    started_before TIMESTAMP WITH TIME ZONE NOT NULL,
    run_condition  CLOB,
    statuses       VARCHAR(64)              NOT NULL,
    state          VARCHAR(16)              NOT NULL,
    matched        BIGINT                   NOT NULL,
    replayed       BIGINT                   NOT NULL,
    last_run_id    VARCHAR(32),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE IF NOT EXISTS inngest_cron (
    function_id  VARCHAR(128)             NOT NULL,
    expression   VARCHAR(255)             NOT NULL,
    next_fire_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (function_id, expression)
);

-- The apps an Inngest SDK synced when the engine is their executor (inngest.executor.enabled): each
-- app's URL and its functions as it registered them, a JSON array. Version 5 added it.
CREATE TABLE IF NOT EXISTS inngest_app (
    app_id    VARCHAR(128)             NOT NULL PRIMARY KEY,
    url       VARCHAR(2048)            NOT NULL,
    functions CLOB                     NOT NULL,
    checksum  VARCHAR(64)              NOT NULL,
    synced_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Counts per minute (epoch_minute, minutes since the epoch) of what runs did, for charts over long
-- windows: for each function, and for all of them (function_id empty). The engine rolls a minute up
-- once it is over, reading the runs that ended in it by inngest_run_due_ended and the failed
-- attempts by inngest_attempt_failed. inngest_stats_rollup holds the minute it has rolled up to, or
-- nothing before the first roll-up. end_to_end and queue are latency histograms, index:count pairs. The
-- retention deletes them with the runs. Version 6 added them.
CREATE TABLE IF NOT EXISTS inngest_stats_minute (
    function_id     VARCHAR(128) NOT NULL,
    epoch_minute    BIGINT       NOT NULL,
    started         BIGINT       NOT NULL,
    completed       BIGINT       NOT NULL,
    failed          BIGINT       NOT NULL,
    cancelled       BIGINT       NOT NULL,
    failed_attempts BIGINT       NOT NULL,
    end_to_end      CLOB,
    queue           CLOB,
    PRIMARY KEY (function_id, epoch_minute)
);
CREATE INDEX IF NOT EXISTS inngest_stats_minute_minute ON inngest_stats_minute (epoch_minute);
CREATE TABLE IF NOT EXISTS inngest_stats_rollup (
    id        INT    NOT NULL PRIMARY KEY,
    rolled_to BIGINT
);
INSERT INTO inngest_stats_rollup (id, rolled_to) SELECT 1, NULL
    WHERE NOT EXISTS (SELECT 1 FROM inngest_stats_rollup WHERE id = 1);
CREATE INDEX IF NOT EXISTS inngest_attempt_failed ON inngest_attempt (failed_at);

CREATE TABLE IF NOT EXISTS inngest_schema_version (
    version      INT                      NOT NULL PRIMARY KEY,
    description  VARCHAR(255)             NOT NULL,
    installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 1, 'Events, runs, steps, attempts, waits, bulk cancellations and cron ticks', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 1);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 2, 'A run''s last step kept in its row', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 2);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 3, 'Events by the time they were received, for the retention', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 3);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 4, 'Reruns and bulk replays', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 4);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 5, 'Apps synced to the executor', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 5);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 6, 'Counts per minute for charts', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 6);
INSERT INTO inngest_schema_version (version, description, installed_at)
    SELECT 7, 'Event ids sent again after the deduplication window', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM inngest_schema_version WHERE version = 7);
