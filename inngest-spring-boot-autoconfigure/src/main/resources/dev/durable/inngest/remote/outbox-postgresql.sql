-- The event outbox's table for PostgreSQL.
--
-- Events sent to the Inngest platform inside a transaction are written here in that transaction,
-- and sent, then deleted, once it has committed. A row left behind by a process that stopped
-- before sending it is sent later by any instance. The starter creates the table at start-up as
-- inngest.outbox.schema-initialize says; to manage it by hand, apply this file once and set
-- inngest.outbox.schema-initialize=never. It only creates what is missing, so it can be applied
-- again safely.

-- Instances starting together on an empty database create the table one at a time.
SELECT pg_advisory_lock(2082400002);
CREATE TABLE IF NOT EXISTS inngest_outbox (
    id           VARCHAR(32)              NOT NULL PRIMARY KEY,
    events       TEXT                     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    available_at TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts     INT                      NOT NULL,
    last_error   VARCHAR(1000)
);
CREATE INDEX IF NOT EXISTS inngest_outbox_available ON inngest_outbox (available_at);
SELECT pg_advisory_unlock(2082400002);
