// Reads a whole topic with kcat, the accounting's reference: a fresh process reading every
// partition from its start, read_committed, outside any consumer group, so what Kafka holds as
// committed is decided apart from the pipeline's long-lived readers (which may miss a record or
// see one twice across their own rebalances). kcat runs on librdkafka like the pipeline, but an
// older release (Debian's) and none of the pipeline's code.
import { spawn } from 'node:child_process';

export interface ReferenceRecord {
  partition: number;
  offset: string;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export const REFERENCE_DEFAULTS = {
  timeoutMs: 120_000, // one topic of a resilience run is read in seconds
};

/** Every record of `topic` up to its end now; `committed` reads as a read_committed consumer. */
export function readTopic(brokers: string[], topic: string, committed: boolean): Promise<ReferenceRecord[]> {
  return new Promise((resolve, reject) => {
    // One header line per record, then the key and the value bytes as they are (binary safe:
    // their lengths are in the header), then a newline.
    const args = ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${committed ? 'read_committed' : 'read_uncommitted'}`, '-f', '%p %o %T %K %S\n%k%s\n'];
    const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), REFERENCE_DEFAULTS.timeoutMs);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`kcat cannot run (is it installed?): ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat reading ${topic} exited ${code}: ${stderr.trim().slice(-500)}`));
      try {
        resolve(parse(Buffer.concat(chunks), topic));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parse(out: Buffer, topic: string): ReferenceRecord[] {
  const records: ReferenceRecord[] = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error(`kcat output of ${topic} ends inside a header at byte ${at}`);
    const fields = out.subarray(at, eol).toString('latin1').split(' ');
    if (fields.length !== 5) throw new Error(`kcat output of ${topic}: malformed header "${fields.join(' ')}" at byte ${at}`);
    const [partition, offset, timestamp, keyLength, valueLength] = fields;
    const kl = Number(keyLength);
    const vl = Number(valueLength);
    let p = eol + 1;
    const key = kl < 0 ? null : out.subarray(p, p + kl);
    p += Math.max(0, kl);
    const value = vl < 0 ? null : out.subarray(p, p + vl);
    p += Math.max(0, vl);
    if (out[p] !== 0x0a) throw new Error(`kcat output of ${topic}: record at ${partition}/${offset} is not followed by a newline`);
    records.push({ partition: Number(partition), offset, timestamp: Number(timestamp), key, value });
    at = p + 1;
  }
  return records;
}
