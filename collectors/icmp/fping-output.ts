// Reads fping's `-C N -q` report: one line per target on stderr, "<address> : <rtt|-> × N", e.g.
//   10.203.52.130 : 48.0 46.2 - 46.7 50.6
// and fping's own complaints about a target, "<target>: <reason>" (e.g. "Name or service not
// known"). A line that matches neither is kept as noise for the log; a target's line that does
// not carry exactly N readable values is that target's ICMP_MALFORMED_OUTPUT, nobody else's.

export type TargetOutcome =
  | { kind: 'rtts'; rttsMs: Array<number | null> }
  | { kind: 'malformed'; line: string; reason: string }
  | { kind: 'rejected'; reason: string };

export interface FpingReport {
  byAddress: Map<string, TargetOutcome>;
  noise: string[];
}

const SUMMARY = /^(\S+)\s+:\s*(.*)$/;
const COMPLAINT = /^(\S+?):\s+(.+)$/;
const RTT = /^\d+(\.\d+)?$/;

export function parseFpingReport(text: string, count: number, asked: ReadonlySet<string>): FpingReport {
  const byAddress = new Map<string, TargetOutcome>();
  const noise: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const summary = SUMMARY.exec(line);
    if (summary && asked.has(summary[1])) {
      byAddress.set(summary[1], readRtts(line, summary[2], count));
      continue;
    }
    const complaint = COMPLAINT.exec(line);
    if (complaint && asked.has(complaint[1])) {
      if (!byAddress.has(complaint[1])) byAddress.set(complaint[1], { kind: 'rejected', reason: complaint[2] });
      continue;
    }
    noise.push(line);
  }
  return { byAddress, noise };
}

function readRtts(line: string, values: string, count: number): TargetOutcome {
  const tokens = values.trim() === '' ? [] : values.trim().split(/\s+/);
  if (tokens.length !== count) return { kind: 'malformed', line, reason: `${tokens.length} values where ${count} were expected` };
  const rttsMs: Array<number | null> = [];
  for (const t of tokens) {
    if (t === '-') rttsMs.push(null);
    else if (RTT.test(t)) rttsMs.push(Number(t));
    else return { kind: 'malformed', line, reason: `"${t}" is neither a round-trip time nor "-"` };
  }
  return { kind: 'rtts', rttsMs };
}
