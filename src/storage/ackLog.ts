import fs from 'node:fs';
import path from 'node:path';

/**
 * Which stored inbound messages were acknowledged to Twilio (our 200 went out). A message stored but killed before
 * its acknowledgement was never accepted: Twilio will retry it with the same MessageSid, so on restart it is taken
 * back out of the inbox rather than answered without being acknowledged. Appended without fsync: it guards against a
 * killed process (the page cache survives), and after a power loss every stored message counts as acknowledged.
 */
export class AckLog {
  private fd: number;
  private size: number;
  private readonly file: string;

  constructor(dir: string, private readonly rotateAt = 8 * 1024 * 1024) {
    this.file = path.join(dir, 'acks.log');
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  /** every acknowledged MessageSid in this log and the previous one */
  readAll(): Set<string> {
    const sids = new Set<string>();
    for (const f of [`${this.file}.1`, this.file]) {
      let text = '';
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) if (line) sids.add(line);
    }
    return sids;
  }

  append(sid: string): void {
    const line = `${sid}\n`;
    fs.writeSync(this.fd, line);
    this.size += line.length;
    if (this.size > this.rotateAt) {
      fs.closeSync(this.fd);
      fs.renameSync(this.file, `${this.file}.1`);
      this.fd = fs.openSync(this.file, 'a', 0o600);
      this.size = 0;
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
