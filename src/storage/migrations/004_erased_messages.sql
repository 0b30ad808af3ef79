-- Up Migration

-- Keyed hashes of the message SIDs of erased conversations (no content, no number), refused until they expire:
-- a webhook replayed after an erasure cannot bring the conversation back.
CREATE TABLE erased_messages (
  hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE INDEX erased_messages_expiry_idx ON erased_messages (expires_at);

-- Down Migration

DROP TABLE erased_messages;
