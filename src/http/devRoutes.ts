import { Router } from 'express';
import type { DryRunMessagesApi } from '../channels/twilio/dryRunMessagesApi';

/**
 * Dry-run only, never in production: what the bot "sent" to one address, for `npm run chat` and the simulator.
 * Signed like a webhook would be is overkill on a developer machine, so it only listens on loopback requests.
 */
export function devRoutes(d: { dryRun: DryRunMessagesApi; authToken: () => string; publicUrl: () => string }): Router {
  const r = Router();
  r.get('/dev/outbox', (req, res) => {
    const remote = req.socket.remoteAddress ?? '';
    if (!/^(::1|127\.|::ffff:127\.)/.test(remote)) {
      res.status(403).type('text/plain').send('Forbidden: loopback only');
      return;
    }
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    const after = Number(req.query.after ?? 0) || 0;
    res.set('Cache-Control', 'no-store').json(d.dryRun.to(to, after).map((m) => ({ sid: m.sid, at: m.at, body: m.body ?? '', contentSid: m.contentSid })));
  });
  return r;
}
