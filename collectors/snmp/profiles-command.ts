// `opsconductor profiles check FILE...`: validates SNMP profile files without starting anything,
// as the collector would at start (against the built-in profiles, whose names they may not reuse),
// and `profiles list`: the profiles a collector would know.
import { loadProfileFiles, loadProfileSet } from '../../devices/snmp-profile-set.js';
import { ProfileError } from '../../devices/snmp-profile.js';

const usage = 'usage: opsconductor profiles check FILE... | list [--dir DIR]\n';

export function runProfilesCommand(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  const [sub, ...rest] = args;
  if (sub === 'check' && rest.length > 0) {
    try {
      const all = loadProfileFiles(rest, loadProfileSet());
      for (const p of Object.values(all).filter((x) => rest.includes(x.source ?? ''))) {
        out.write(`${p.source}: ok, profile "${p.name}" (${p.scalars.length} scalar(s), ${p.columns.length} column(s)${p.match ? `, matches ${[...p.match.sysObjectID, ...p.match.vendor].join(', ')}` : ''})\n`);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      for (const problem of e.problems) err.write(`${problem}\n`);
      return 1;
    }
  }
  if (sub === 'list') {
    const dir = rest[0] === '--dir' ? rest[1] ?? '' : '';
    for (const p of Object.values(loadProfileSet(dir))) out.write(`${p.name}\t${p.source}\t${p.description ?? ''}\n`);
    return 0;
  }
  err.write(usage);
  return 2;
}
