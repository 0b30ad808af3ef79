-- Up Migration

-- One row per conversation. `doc` is the whole ConversationDoc sealed with AES-256-GCM (the Sealer), so nothing
-- readable is at rest; the other columns hold no text and no address, only what listing needs.
CREATE TABLE conversations (
  id text PRIMARY KEY,
  doc text NOT NULL,
  status text NOT NULL,
  stopped boolean NOT NULL DEFAULT false,
  -- inbound or outbound work not finished: every instance's sweep picks these up
  pending boolean NOT NULL DEFAULT false,
  -- console queue entry (ConversationSummary); set once the conversation leaves the bot or stops, then kept
  summary jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX conversations_pending_idx ON conversations (id) WHERE pending;
CREATE INDEX conversations_summary_idx ON conversations (status, updated_at) WHERE summary IS NOT NULL;

-- Inbound MessageSid claims: the primary key decides a redelivery race across instances.
CREATE TABLE inbound_claims (
  sid text PRIMARY KEY,
  conversation_id text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX inbound_claims_conversation_idx ON inbound_claims (conversation_id);

-- Down Migration

DROP TABLE inbound_claims;
DROP TABLE conversations;
