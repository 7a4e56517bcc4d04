// A bench's measuring loop in a child process of its own (so its CPU is its own): the spec goes
// through a file, as hundreds of targets are too long for a command line (E2BIG), and the
// child's last stdout line is its result as JSON.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../infra/supervisor.js';

export async function runJsonChild<T>(script: string, spec: unknown, specFile: string): Promise<T> {
  await writeFile(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script), specFile], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`${script} exited with ${code}`))));
  });
}
