-- Up Migration

-- The delivery queue across instances: one row per outbound message still to deliver (pending or sending).
-- The message itself stays in its conversation's sealed document, committed with the turn that wrote it; a row
-- holds no text and no address, only when it is due and which instance holds its lease. The instance that
-- commits a message leases it; a row whose lease has run out (its instance was killed or stalled) is claimed by
-- another instance with FOR UPDATE SKIP LOCKED, so two instances never take over the same work.
CREATE TABLE outbox (
  conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  item_id text NOT NULL,
  due_at timestamptz NOT NULL,
  lease_owner text NOT NULL,
  lease_until timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, item_id)
);

CREATE INDEX outbox_lease_idx ON outbox (lease_until);

-- Down Migration

DROP TABLE outbox;
