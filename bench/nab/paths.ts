// Default locations of the NAB corpus, resolved from this module (never from the cwd).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The corpus: OC_NAB_DIR, else ../shared/nab beside the project (where CI lays it). */
export const nabRoot = process.env.OC_NAB_DIR || join(projectRoot, '..', 'shared', 'nab');
export const nabDefaults = {
  data: join(nabRoot, 'data'),
  windows: join(nabRoot, 'labels', 'combined_windows.json'),
  profiles: join(nabRoot, 'profiles.json'),
  reference: join(nabRoot, 'reference', 'windowedGaussian'),
};

/** NAB's three cost profiles, a copy of the corpus's profiles.json kept with the tests. */
export const profilesFixture = join(projectRoot, 'bench', 'nab', 'fixtures', 'profiles.json');

/** Why a test that needs the corpus is skipped, or undefined when the corpus is there. */
export const corpusMissing: string | undefined = existsSync(nabDefaults.windows) ? undefined : `the NAB corpus is not at ${nabRoot} (set OC_NAB_DIR to run these)`;
