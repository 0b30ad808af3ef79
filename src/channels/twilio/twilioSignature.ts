import twilio from 'twilio';
import type { RequestHandler } from 'express';

/** Signs a request the way Twilio does (the simulator and local tools post real signed webhooks to the bot). */
export function signLikeTwilio(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/**
 * Security gate: the X-Twilio-Signature must match the configured public URL plus the request's path and query,
 * never a URL rebuilt from Host or X-Forwarded-* headers. Anything else gets 403 and nothing more.
 */
export function requireTwilioSignature(opts: { authToken: () => string; publicUrl: () => string }): RequestHandler {
  return (req, res, next) => {
    const signature = req.header('x-twilio-signature');
    const params = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    const url = opts.publicUrl() + req.originalUrl;
    let valid = false;
    try {
      valid = !!signature && twilio.validateRequest(opts.authToken(), signature, url, params);
    } catch {
      valid = false;
    }
    if (!valid) {
      res.status(403).type('text/plain').send('Forbidden: invalid Twilio signature');
      return;
    }
    next();
  };
}
