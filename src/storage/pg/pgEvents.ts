import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logging/logger';

/** A local event bus (the console's): what can be bridged across instances. */
export interface EventBus<T> {
  publish(e: T): void;
  subscribe(fn: (e: T) => void): () => void;
}

interface Envelope {
  origin: string;
  payload: unknown;
}

/**
 * Events across instances with PostgreSQL LISTEN/NOTIFY. One dedicated connection listens (outside the pool,
 * reconnected after a loss); a notification from this process is not delivered back to it. Payloads must carry
 * only ids and statuses: NOTIFY text is visible to anyone connected to the database, and is limited to 8000 bytes.
 */
export class PgEvents {
  private readonly origin = randomBytes(8).toString('hex');
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  private listener?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: { pool: pg.Pool; connectionString: string; logger: Logger }) {
    if (!o?.pool || !o.connectionString || !o.logger) throw new Error('PgEvents: pool, connectionString and logger are required');
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    const env: Envelope = { origin: this.origin, payload };
    await this.o.pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(env)]);
  }

  /** Resolves once the channel is listened to. */
  async subscribe(channel: string, fn: (payload: unknown) => void): Promise<() => void> {
    assertChannel(channel);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.listener) await this.listener.query(`LISTEN ${channel}`);
    }
    set.add(fn);
    if (!this.listener) await this.connect();
    return () => void set.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.connectionString });
    client.on('notification', (m) => this.deliver(m.channel, m.payload));
    client.on('error', (err) => {
      this.o.logger.warn({ err: { message: err.message } }, 'PgEvents: listening connection lost; reconnecting');
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.reconnectSoon();
    });
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.listener = client;
  }

  private reconnectSoon(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect().catch(() => this.reconnectSoon());
    }, 1000);
    this.retry.unref();
  }

  private deliver(channel: string, raw: string | undefined): void {
    let env: Envelope;
    try {
      env = JSON.parse(raw ?? '') as Envelope;
    } catch {
      return;
    }
    if (env.origin === this.origin) return;
    for (const fn of this.handlers.get(channel) ?? []) {
      try {
        fn(env.payload);
      } catch (err) {
        this.o.logger.error({ err, channel }, 'PgEvents: handler failed');
      }
    }
  }
}

/**
 * Relays a local bus through `channel` both ways: what is published here reaches the same bus on every other
 * instance, and theirs reaches this one. `pick` keeps the fields that may leave the process (ids and statuses).
 */
export async function bridgeBus<T extends object>(events: PgEvents, channel: string, bus: EventBus<T>, pick: (e: T) => T, logger: Logger): Promise<() => void> {
  const relayed = new WeakSet<object>();
  const off = bus.subscribe((e) => {
    if (relayed.has(e)) return;
    events.publish(channel, pick(e)).catch((err) => logger.warn({ err: { message: (err as Error).message }, channel }, 'PgEvents: publish failed'));
  });
  const unlisten = await events.subscribe(channel, (payload) => {
    if (!payload || typeof payload !== 'object') return;
    const e = pick(payload as T);
    relayed.add(e);
    bus.publish(e);
  });
  return () => {
    off();
    unlisten();
  };
}

function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`PgEvents: invalid channel name "${channel}"`);
}
