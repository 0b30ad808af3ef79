import twilio from 'twilio';
import {
  AmbiguousSendError, NotSentError, PermanentSendError, TransientSendError, type FoundMessage, type SentMessage,
} from '../../conversation/channelSender';
import type { CreateMessage, MessagesApi } from './messagesApi';

type RequestOptions = Parameters<twilio.RequestClient['request']>[0];

/**
 * The SDK's own RequestClient, with two changes: every request goes to `baseUrl` when one is configured
 * (edge/region settings cannot reach a local fake), and 429/5xx answers become TransientSendError with the
 * Retry-After delay. The SDK's autoRetry stays off: it retries resets too, which could double a message.
 */
export class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string | undefined, timeoutMs: number) {
    super({ timeout: timeoutMs, autoRetry: false, keepAlive: true });
  }

  override async request<T>(opts: RequestOptions): Promise<any> {
    let uri = opts.uri;
    if (this.baseUrl) {
      const u = new URL(uri);
      uri = this.baseUrl + u.pathname + u.search;
    }
    const res = await super.request<T>({ ...opts, uri } as RequestOptions as never);
    if (res.statusCode === 429 || res.statusCode >= 500) {
      const ra = res.headers?.['retry-after'];
      const secs = ra !== undefined ? Number(ra) : NaN;
      throw new TransientSendError(res.statusCode, Number.isFinite(secs) ? secs * 1000 : undefined);
    }
    return res;
  }
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

export class TwilioMessagesApi implements MessagesApi {
  constructor(private readonly client: twilio.Twilio) {
    if (!client) throw new Error('TwilioMessagesApi: a twilio client is required');
  }

  async create(msg: CreateMessage): Promise<SentMessage> {
    try {
      const m = await this.client.messages.create({
        to: msg.to, from: msg.from, body: msg.body, contentSid: msg.contentSid, contentVariables: msg.contentVariables,
        statusCallback: msg.statusCallback,
      });
      return { sid: m.sid, status: m.status };
    } catch (err) {
      throw classify(err);
    }
  }

  async findSent(q: { to: string; from: string; since: Date }): Promise<FoundMessage[]> {
    try {
      const list = await this.client.messages.list({ to: q.to, from: q.from, dateSentAfter: q.since, limit: 100 });
      return list.map((m) => ({ sid: m.sid, body: m.body ?? '', status: m.status, to: m.to }));
    } catch (err) {
      throw classify(err);
    }
  }

  async remove(sid: string): Promise<void> {
    try {
      await this.client.messages(sid).remove();
    } catch (err) {
      const e = classify(err);
      if (e instanceof PermanentSendError && e.status === 404) return;
      throw e;
    }
  }
}

function classify(err: unknown): Error {
  if (err instanceof TransientSendError) return err;
  const e = err as { status?: number; code?: number | string; message?: string };
  if (typeof e?.status === 'number') return new PermanentSendError(e.status, typeof e.code === 'number' ? e.code : undefined, e.message ?? 'refused');
  if (typeof e?.code === 'string' && NOT_SENT.has(e.code)) return new NotSentError(err);
  return new AmbiguousSendError(err);
}

export function createTwilioClient(opts: { accountSid: string; authToken: string; apiBaseUrl?: string; timeoutMs?: number }): twilio.Twilio {
  return twilio(opts.accountSid, opts.authToken, {
    httpClient: new RebasedRequestClient(opts.apiBaseUrl, opts.timeoutMs ?? 15000),
  });
}
