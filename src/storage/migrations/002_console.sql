-- Up Migration

-- Counsellor console (src/console/pgAccountsRepository.ts). Times are epoch milliseconds, as in the app.
CREATE TABLE console_users (
  name text PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('counsellor', 'supervisor')),
  -- argon2id hash; never the password
  password_hash text NOT NULL,
  created_at bigint NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  locked_until bigint
);

-- Only the sha-256 of a session id is stored: a leaked table does not give working sessions.
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  name text NOT NULL REFERENCES console_users (name) ON DELETE CASCADE,
  csrf text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL
);

CREATE INDEX console_sessions_name_idx ON console_sessions (name);

-- Append only: who did what, to which conversation, when.
CREATE TABLE console_audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  who text NOT NULL,
  action text NOT NULL,
  conversation_id text,
  detail jsonb
);

CREATE INDEX console_audit_conversation_idx ON console_audit (conversation_id, id) WHERE conversation_id IS NOT NULL;

-- Down Migration

DROP TABLE console_audit;
DROP TABLE console_sessions;
DROP TABLE console_users;
