import type { Pool } from 'pg';
import type { ErasedMessageLog } from '../../domain/erasedMessages';

/** The erased-message log on PostgreSQL: shared by every instance. */
export class PgErasedLog implements ErasedMessageLog {
  constructor(private readonly pool: Pool, private readonly now: () => number = Date.now) {}

  async remember(hashes: string[], until: number): Promise<void> {
    if (!hashes.length) return;
    await this.pool.query('DELETE FROM erased_messages WHERE expires_at <= $1', [new Date(this.now())]);
    await this.pool.query(
      `INSERT INTO erased_messages (hash, expires_at) SELECT unnest($1::text[]), $2
       ON CONFLICT (hash) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [hashes, new Date(until)],
    );
  }

  async has(hash: string): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM erased_messages WHERE hash = $1 AND expires_at > $2', [hash, new Date(this.now())]);
    return (r.rowCount ?? 0) > 0;
  }
}
