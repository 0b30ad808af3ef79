import { z } from 'zod';

/** Twilio's inbound message webhook form (SMS and WhatsApp). Unknown fields are kept in channelData. */
const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9A-Za-z]{8,64}$`), `must be a Twilio SID starting with ${prefix}`);
const address = z.string().min(3, 'too short').max(64, 'too long').regex(/^(whatsapp:)?\+?[0-9A-Za-z:+._-]+$/, 'must be a phone number, optionally with the whatsapp: prefix');

export const inboundSchema = z
  .object({
    MessageSid: sid('(SM|MM|IM|SMS)'),
    AccountSid: sid('AC').optional(),
    From: address,
    To: address,
    Body: z.string().max(4096, 'Body longer than 4096 characters').default(''),
    NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  })
  .passthrough();

export type InboundForm = z.infer<typeof inboundSchema>;

export const statusSchema = z
  .object({
    MessageSid: sid('(SM|MM|IM)'),
    MessageStatus: z.enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'canceled', 'receiving', 'received', 'partially_delivered']),
    ErrorCode: z.coerce.number().int().optional(),
  })
  .passthrough();

export type StatusForm = z.infer<typeof statusSchema>;

export function channelOf(from: string): 'sms' | 'whatsapp' {
  return from.startsWith('whatsapp:') ? 'whatsapp' : 'sms';
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
}
