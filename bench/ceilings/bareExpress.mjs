// Ceiling (a): a bare Express 5 app, express.urlencoded + the Twilio signature check (twilio.validateRequest
// against PUBLIC_URL, as twilio.webhook does), answering empty TwiML. Nothing stored, nothing logged.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const express = require('express');
const twilio = require('twilio');

const token = process.env.TWILIO_AUTH_TOKEN;
const publicUrl = process.env.PUBLIC_URL;
const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.post('/twilio/messages', express.urlencoded({ extended: false, limit: 65536 }), (req, res) => {
  const sig = req.header('x-twilio-signature');
  if (!sig || !twilio.validateRequest(token, sig, publicUrl + req.originalUrl, req.body ?? {})) {
    res.status(403).type('text/plain').send('Forbidden');
    return;
  }
  res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 5000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
