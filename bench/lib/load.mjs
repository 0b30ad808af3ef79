// Load generators: closed-loop saturation with autocannon, and an open-loop paced pass (a steady arrival rate).
import http from 'node:http';
import { require, signedInbound, nowMs, percentile, round } from './common.mjs';

const autocannon = require('autocannon');

/**
 * A stream of signed webhooks, numbered: message `seq` comes from sender seq % 10,000 (round robin, so one
 * sender's messages are 10,000 requests apart) and is its (seq / 10,000)-th message. Bodies are signed ahead of
 * time in batches (`prepare`), and on the fly only if the batch runs out.
 */
export class WebhookFeed {
  constructor(publicUrl, { unique = true, pool = 10_000 } = {}) {
    this.publicUrl = publicUrl;
    this.unique = unique;
    this.pool = pool;
    this.next = 0;
    this.signed = [];
    this.sentAt = []; // seq -> ms (performance clock, wall-aligned)
    this.onTheFly = 0;
  }

  /** Signs the next `n` webhooks ahead of time. */
  prepare(n) {
    const from = this.signed.length;
    const until = this.unique ? this.next + n : Math.min(this.pool, n);
    for (let s = Math.max(from, this.next); s < until; s++) this.signed[s] = signedInbound(this.publicUrl, s);
  }

  take() {
    const seq = this.next++;
    const k = this.unique ? seq : seq % this.pool;
    let w = this.signed[k];
    if (!w) {
      this.onTheFly++;
      w = this.signed[k] = signedInbound(this.publicUrl, k);
    }
    if (this.unique) this.signed[k] = undefined; // let it go once sent
    this.sentAt[seq] = nowMs();
    return { seq, ...w };
  }
}

/** Saturation: `connections` keep-alive connections, each sending the next webhook as soon as the last is answered. */
export async function closedLoop({ url, feed, connections, durationS }) {
  const u = new URL(url);
  const startSeq = feed.next;
  const t0 = nowMs();
  const result = await new Promise((resolve, reject) => {
    const inst = autocannon({
      url: u.origin,
      connections,
      pipelining: 1,
      duration: durationS,
      timeout: 30,
      requests: [{
        setupRequest: (req) => {
          const w = feed.take();
          return {
            ...req, method: 'POST', path: u.pathname,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': w.signature },
            body: w.body,
          };
        },
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    inst.on('error', reject);
  });
  const t1 = nowMs();
  return {
    startSeq, endSeq: feed.next, t0, t1,
    seconds: (t1 - t0) / 1000,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    ackP50: result.latency.p50,
    ackP99: result.latency.p99,
    ackMax: result.latency.max,
    ackMean: round(result.latency.average, 2),
    rps: result['2xx'] / result.duration,
  };
}

/**
 * Open loop: webhooks leave at a steady `rate` whatever the server does (as Twilio does), over a keep-alive pool
 * large enough that a request never waits for a free connection. Latency is counted from the moment the request
 * is written; how late the generator itself was against the schedule is reported apart (generatorMaxLagMs).
 */
export async function paced({ url, feed, rate, durationS, maxSockets = 256 }) {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const total = Math.round(rate * durationS);
  const startSeq = feed.next;
  feed.prepare(total);
  const lat = [];
  const status = {};
  let errors = 0;
  let sent = 0;
  let done = 0;
  let maxLagMs = 0;
  const t0 = nowMs() + 20;
  const t = await new Promise((resolve) => {
    const fire = () => {
      const w = feed.take();
      const sentAt = feed.sentAt[w.seq];
      const req = http.request({
        agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': w.signature, 'content-length': Buffer.byteLength(w.body) },
      }, (res) => {
        res.resume();
        res.on('end', () => {
          lat.push(nowMs() - sentAt);
          status[res.statusCode] = (status[res.statusCode] ?? 0) + 1;
          if (++done === total) resolve(nowMs());
        });
      });
      req.on('error', () => {
        errors++;
        if (++done === total) resolve(nowMs());
      });
      req.end(w.body);
    };
    const tick = () => {
      const now = nowMs();
      while (sent < total) {
        const scheduled = t0 + (sent * 1000) / rate;
        if (scheduled > now) break;
        maxLagMs = Math.max(maxLagMs, now - scheduled);
        sent++;
        fire();
      }
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(5, t0 + (sent * 1000) / rate - nowMs())));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  lat.sort((a, b) => a - b);
  return {
    startSeq, endSeq: feed.next, t0, t1: t, rate, seconds: (t - t0) / 1000, requests: total, ok: status[200] ?? 0,
    statusCodes: status, errors, ackP50: round(percentile(lat, 50), 2), ackP99: round(percentile(lat, 99), 2),
    ackMax: round(lat[lat.length - 1], 2), generatorMaxLagMs: round(maxLagMs, 1),
  };
}
