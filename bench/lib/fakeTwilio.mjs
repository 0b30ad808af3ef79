// A local fake of Twilio's Messages API, run as its own process (IPC from the benchmark): answers POST
// Messages.json like Twilio (201 + JSON) and records when each reply arrived, per recipient.
// Messages: {cmd:'reset'} clears; {cmd:'dump'} answers {replies: {[to]: number[]}, count}.
import http from 'node:http';

const now = () => performance.timeOrigin + performance.now();
let replies = new Map();
let count = 0;
let n = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = now();
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/.]+))?\.json/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"code":20404,"message":"not found","status":404}');
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ messages: [], page: 0, page_size: 100, next_page_uri: null, uri: req.url }));
    }
    if (req.method !== 'POST') {
      res.writeHead(204);
      return res.end();
    }
    const p = new URLSearchParams(body);
    const to = p.get('To') ?? '';
    let list = replies.get(to);
    if (!list) replies.set(to, (list = []));
    list.push(at);
    count++;
    const sid = 'SM' + String(++n).padStart(32, '0');
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sid, account_sid: m[1], status: 'queued', to, from: p.get('From'), body: '', num_segments: '1', date_created: new Date().toUTCString() }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (msg) => {
  if (msg.cmd === 'reset') {
    replies = new Map();
    count = 0;
    process.send({ ok: true });
  } else if (msg.cmd === 'count') {
    process.send({ count });
  } else if (msg.cmd === 'dump') {
    process.send({ count, replies: Object.fromEntries(replies) });
  }
});
process.on('disconnect', () => process.exit(0));
