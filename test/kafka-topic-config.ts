// Reads a topic's settings (min.insync.replicas, cleanup.policy...) as the brokers hold them:
// @confluentinc/kafka-javascript 1.10.1 has no describeConfigs, neither in its KafkaJS layer nor
// in its native API, so this sends one DescribeConfigs request (v1, which every Kafka since 1.1
// answers) over a plain TCP connection. Test code only: no TLS, no SASL.
import { connect } from 'node:net';

const DESCRIBE_CONFIGS = 32; // api key
const TOPIC = 2; // resource type

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function i8(n: number): Buffer {
  return Buffer.from([n]);
}

function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function request(topic: string, names: string[]): Buffer {
  const header = Buffer.concat([Buffer.from([0, DESCRIBE_CONFIGS, 0, 1]), i32(1), str('oc-test-topic-config')]);
  const body = Buffer.concat([i32(1), i8(TOPIC), str(topic), i32(names.length), ...names.map(str), i8(0) /* no synonyms */]);
  return Buffer.concat([i32(header.length + body.length), header, body]);
}

function parse(res: Buffer, topic: string): Map<string, string | null> {
  let at = 0;
  const int8 = () => res.readInt8((at += 1) - 1);
  const int16 = () => res.readInt16BE((at += 2) - 2);
  const int32 = () => res.readInt32BE((at += 4) - 4);
  const string = () => {
    const n = int16();
    return n < 0 ? null : res.toString('utf8', at, (at += n));
  };
  at = 8; // correlation id, throttle time
  const results = int32();
  const configs = new Map<string, string | null>();
  for (let r = 0; r < results; r++) {
    const error = int16();
    const message = string();
    at += 1; // resource type
    string(); // resource name
    if (error !== 0) throw new Error(`DescribeConfigs of topic ${topic}: error ${error}${message ? ` (${message})` : ''}`);
    const n = int32();
    for (let c = 0; c < n; c++) {
      const name = string()!;
      configs.set(name, string());
      at += 3; // read only, source, sensitive
      const synonyms = int32();
      for (let s = 0; s < synonyms; s++) {
        string();
        string();
        int8();
      }
    }
  }
  return configs;
}

function askBroker(broker: string, req: Buffer, timeoutMs: number): Promise<Buffer> {
  const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${broker}: no DescribeConfigs answer within ${timeoutMs} ms`)));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.end();
        resolve(got.subarray(4, 4 + got.readInt32BE(0)));
      }
    });
    socket.write(req);
  });
}

/** Values of `names` for `topic` (null: no value), from the first of `brokers` that answers. */
export async function topicConfig(brokers: string[], topic: string, names: string[], timeoutMs = 10_000): Promise<Map<string, string | null>> {
  let last: unknown;
  for (const broker of brokers) {
    try {
      return parse(await askBroker(broker, request(topic, names), timeoutMs), topic);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
