import { Router } from 'express';
import type { DryRunMessagesApi } from '../channels/twilio/dryRunMessagesApi';
import { isLocalRequest } from './simulatorRoutes';

/**
 * Dry-run only, never in production: what the bot "sent" to one address, for `npm run chat` and the simulator.
 * Signed like a webhook would be is overkill on a developer machine, so it only answers requests from this machine
 * addressed to it by its own name (see isLocalRequest).
 */
export function devRoutes(d: { dryRun: DryRunMessagesApi; authToken: () => string; publicUrl: () => string }): Router {
  const r = Router();
  r.get('/dev/outbox', (req, res) => {
    if (!isLocalRequest(req, d.publicUrl())) {
      res.status(403).type('text/plain').send('Forbidden: this machine only');
      return;
    }
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    const after = Number(req.query.after ?? 0) || 0;
    res.set('Cache-Control', 'no-store').json(d.dryRun.to(to, after).map((m) => ({ sid: m.sid, at: m.at, body: m.body ?? '', contentSid: m.contentSid })));
  });
  return r;
}
