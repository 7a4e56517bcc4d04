// Prometheus snmp_exporter as the bench's peer: installed with `go install` from the Go module
// proxy into .cache/go-bin, configured with a hand-written module reading exactly the OIDs of our
// interfaces profile, and driven by HTTP scrapes of /snmp?target=…&module=…&auth=….

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROFILES, SYS_UPTIME } from '../../collectors/snmp/profiles.js';
import { procCpuSeconds } from '../proc-cpu.js';

export const SNMP_EXPORTER_VERSION = 'v0.28.0';

/** The snmp_exporter binary, installed when missing; throws with the reason when it cannot be. */
export function ensureSnmpExporter(root: string): string {
  const gobin = path.join(root, '.cache', 'go-bin');
  const bin = path.join(gobin, 'snmp_exporter');
  if (existsSync(bin)) return bin;
  mkdirSync(gobin, { recursive: true });
  const env = { ...process.env, GOBIN: gobin };
  // `go install …@version` also asks the proxy for the module's version list (deprecation check),
  // which the proxy here refuses; a throwaway module that requires the exact version avoids that.
  const direct = spawnSync('go', ['install', `github.com/prometheus/snmp_exporter@${SNMP_EXPORTER_VERSION}`], { env, encoding: 'utf8' });
  if (direct.status === 0 && existsSync(bin)) return bin;
  const work = path.join(root, '.cache', 'snmp-exporter-build');
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'go.mod'), 'module ocbench/snmpexporter\n\ngo 1.22\n');
  writeFileSync(path.join(work, 'tools.go'), '//go:build tools\npackage tools\n\nimport _ "github.com/prometheus/snmp_exporter"\n');
  for (const args of [['get', `github.com/prometheus/snmp_exporter@${SNMP_EXPORTER_VERSION}`], ['install', 'github.com/prometheus/snmp_exporter']]) {
    const r = spawnSync('go', args, { env, cwd: work, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
  return bin;
}

/** snmp.yml: one auth per community (the lab's devices), one module with our interfaces OIDs. */
export function snmpExporterConfig(communities: string[], maxRepetitions: number): string {
  const lines = ['auths:'];
  for (const c of communities) lines.push(`  ${JSON.stringify(c)}:`, `    community: ${JSON.stringify(c)}`, '    version: 2');
  lines.push('modules:', '  oc_interfaces:', `    max_repetitions: ${maxRepetitions}`, '    retries: 0', '    timeout: 5s', '    get:', `      - ${SYS_UPTIME.oid}`, '    walk:');
  for (const c of PROFILES.interfaces.columns) lines.push(`      - ${c.oid}`);
  lines.push('    metrics:', '      - name: sysUpTime', `        oid: ${SYS_UPTIME.oid.slice(0, -2)}`, '        type: gauge');
  for (const c of PROFILES.interfaces.columns) {
    const type = c.name === 'ifName' || c.name === 'ifAlias' ? 'DisplayString' : c.name.includes('HC') || /Errors|Discards/.test(c.name) ? 'counter' : 'gauge';
    lines.push(`      - name: ${c.name}`, `        oid: ${c.oid}`, `        type: ${type}`, '        indexes:', '          - labelname: ifIndex', '            type: gauge');
  }
  return lines.join('\n') + '\n';
}

export interface SnmpExporterProcess {
  url: string;
  pid: number;
  cpuSeconds(): number; // utime + stime from /proc/<pid>/stat
  stop(): Promise<void>;
}

export async function startSnmpExporter(bin: string, configFile: string, port: number): Promise<SnmpExporterProcess> {
  const child: ChildProcess = spawn(bin, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`snmp_exporter exited at start: ${stderr.slice(-500)}`);
    if ((await fetch(`${url}/`).catch(() => null))?.ok) break;
    if (i > 100) throw new Error('snmp_exporter did not listen within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    cpuSeconds: () => procCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
