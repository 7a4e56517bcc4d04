// `credentials keygen | list | put NAME | delete NAME | import-labels FILE.yaml [--dry-run]`.
// `put` reads the credential as JSON on standard input (never from argv: arguments show in `ps`
// and shell history), e.g.
//   echo '{"kind":"snmp-v3","user":"noc","authProtocol":"sha256","authKey":"…","privProtocol":"aes","privKey":"…"}' \
//     | OC_CREDENTIALS_KEY=… node bin/opsconductor.mjs credentials put core-v3
// `import-labels` moves the secrets an older inventory file holds in clear into the store and
// rewrites the file to name them (import-labels.ts).
// Output goes to stdout; nothing printed ever holds a secret. Settings (OC_CREDENTIALS_KEY or its
// _FILE, OC_CREDENTIALS_FILE) are read through credentials/settings.ts: `credentials --help` lists
// them, `config check --role credentials` validates them.

import { CredentialStore } from './credential-store.js';
import { generateCredentialKey } from './credential-key.js';
import { loadCredentialKey } from './settings.js';
import { CredentialError } from './credential-types.js';
import { credentialFileFromEnv } from './open-store.js';
import { formatImportReport, importLabelSecrets } from './import-labels.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runCredentialsCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  input: () => Promise<string> = readStdin,
): Promise<void> {
  const [verb, name] = argv;
  if (verb === 'keygen') return out(generateCredentialKey());
  const usage = 'usage: credentials keygen | list | put NAME (JSON on stdin) | delete NAME | import-labels FILE.yaml [--dry-run]';
  if (!verb || ((verb === 'put' || verb === 'delete' || verb === 'import-labels') && !name)) throw new CredentialError('CREDENTIAL_USAGE', usage);
  const file = credentialFileFromEnv(env);
  const store = CredentialStore.open(file, loadCredentialKey(env));
  switch (verb) {
    case 'list':
      for (const e of store.list()) out(`${e.name}\t${e.kind}\t${new Date(e.updatedAt).toISOString()}`);
      return;
    case 'put': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await input());
      } catch {
        throw new CredentialError('CREDENTIAL_INVALID', `credential ${name}: standard input is not one JSON object`);
      }
      await store.put(name, parsed);
      return out(`stored ${name} in ${file}`);
    }
    case 'delete':
      return out((await store.delete(name)) ? `deleted ${name}` : `no credential ${name}`);
    case 'import-labels': {
      const report = await importLabelSecrets(name, store, { dryRun: argv.includes('--dry-run') });
      formatImportReport(report).forEach((l) => out(l));
      if (report.left.length > 0) {
        throw new CredentialError('CREDENTIAL_IMPORT_INCOMPLETE', `${report.left.length} label(s) of ${name} carry a secret of no form this command knows (listed above): move them into the store by hand (credentials put) and name them under a <protocol>.credential label`);
      }
      return;
    }
    default:
      throw new CredentialError('CREDENTIAL_USAGE', usage);
  }
}
