import express, { Router } from 'express';
import { inboundSchema, statusSchema, channelOf, describeIssues } from './payload';
import type { ConversationStore } from '../../domain/conversationStore';
import type { ErasedMessageLog } from '../../domain/erasedMessages';
import type { InboundItem } from '../../domain/conversation';
import type { Pseudonymizer } from '../../privacy/pseudonym';
import type { Logger } from '../../logging/logger';
import { requireTwilioSignature } from './twilioSignature';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** Personal fields kept once, encrypted, as the conversation address; not copied into each inbound record. */
const PERSONAL = new Set(['From', 'WaId', 'ProfileName', 'FromCity', 'FromState', 'FromZip', 'FromCountry']);

export interface TwilioRoutesDeps {
  store: ConversationStore;
  /** SIDs of erased conversations' messages: a replay is acknowledged and ignored */
  erased: ErasedMessageLog;
  pseudonyms: Pseudonymizer;
  logger: Logger;
  authToken: () => string;
  publicUrl: () => string;
  maxBodyBytes: number;
  /** a message is about to be stored: its turn must wait for the acknowledgement */
  onStoring: (messageSid: string) => void;
  /** storing failed: nothing to wait for */
  onNotStored: (messageSid: string) => void;
  /** our 200 for this MessageSid is being written (first delivery or a redelivery): record it, schedule the turn */
  onAcknowledged: (conversationId: string, messageSid: string) => void;
  onStatus: (conversationId: string, token: string, cb: { sid: string; status: string; errorCode?: number }) => Promise<boolean>;
  isAccepting: () => boolean;
  now?: () => number;
}

/** `+` and the first 3 digits of the number (E.164 calling codes have at most 3), and Twilio's FromCountry. */
export function senderCountryFields(from: string, fromCountry: unknown): { CallingPrefix: string; SenderCountry?: string } {
  const digits = from.replace(/^whatsapp:/, '').replace(/\D/g, '').slice(0, 3);
  return { CallingPrefix: `+${digits}`, ...(typeof fromCountry === 'string' && /^[A-Za-z]{2}$/.test(fromCountry) ? { SenderCountry: fromCountry.toUpperCase() } : {}) };
}

/**
 * POST /twilio/messages: signature -> form -> atomic claim of the MessageSid -> empty TwiML at once; the turn
 * runs after the acknowledgement and replies go out through the REST API. POST /twilio/status: delivery status.
 */
export function twilioRoutes(d: TwilioRoutesDeps): Router {
  const r = Router();
  const now = d.now ?? Date.now;
  const body = express.urlencoded({ extended: false, limit: d.maxBodyBytes, parameterLimit: 200 });
  const signed = requireTwilioSignature({ authToken: d.authToken, publicUrl: d.publicUrl });

  r.post('/twilio/messages', body, signed, async (req, res, next) => {
    try {
      if (!d.isAccepting()) {
        res.status(503).set('Retry-After', '5').type('text/plain').send('Shutting down, retry later');
        return;
      }
      const parsed = inboundSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).type('text/plain').send(`Bad request: ${describeIssues(parsed.error)}`);
        return;
      }
      const form = parsed.data;
      const channel = channelOf(form.From);
      const id = d.pseudonyms.conversationId(channel, form.From);
      const payload: Record<string, string> = {};
      for (const [k, v] of Object.entries(form)) if (!PERSONAL.has(k) && typeof v === 'string') payload[k] = v;
      // all that is kept of the number: its calling code (the first digits) and Twilio's country, for the numbers card
      Object.assign(payload, senderCountryFields(form.From, form.FromCountry));
      const item: InboundItem = { sid: form.MessageSid, body: form.Body, numMedia: form.NumMedia, receivedAt: now(), payload };
      if (await d.erased.has(d.pseudonyms.messageHash(form.MessageSid))) {
        d.logger.info({ msg: 'replay of an erased message ignored', conversation: id });
        res.status(200).type('text/xml').send(EMPTY_TWIML);
        return;
      }
      let outcome: 'accepted' | 'duplicate';
      d.onStoring(form.MessageSid);
      try {
        outcome = await d.store.claimInbound(id, { channel, address: form.From }, item);
      } catch (err) {
        d.onNotStored(form.MessageSid);
        d.logger.error({ err, conversation: id }, 'inbound message could not be stored');
        res.status(503).set('Retry-After', '2').type('text/plain').send('Temporarily unavailable');
        return;
      }
      if (outcome === 'duplicate') d.logger.info({ msg: 'duplicate delivery ignored', conversation: id, messageSid: form.MessageSid });
      // recorded as acknowledged in the same tick as the 200 is written: a crash cannot fall between the two
      d.onAcknowledged(id, form.MessageSid);
      res.status(200).type('text/xml').send(EMPTY_TWIML);
    } catch (err) {
      next(err);
    }
  });

  r.post('/twilio/status', body, signed, async (req, res, next) => {
    try {
      const conv = typeof req.query.c === 'string' ? req.query.c : '';
      const token = typeof req.query.t === 'string' ? req.query.t : '';
      const parsed = statusSchema.safeParse(req.body ?? {});
      if (!parsed.success || !conv || !token) {
        res.status(400).type('text/plain').send(`Bad request: ${parsed.success ? 'missing c or t' : describeIssues(parsed.error)}`);
        return;
      }
      await d.onStatus(conv, token, { sid: parsed.data.MessageSid, status: parsed.data.MessageStatus, errorCode: parsed.data.ErrorCode });
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  return r;
}
