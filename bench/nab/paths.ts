// Default locations of the NAB corpus, resolved from this module (never from the cwd).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nabRoot = join(projectRoot, '..', 'shared', 'nab');
export const nabDefaults = {
  data: join(nabRoot, 'data'),
  windows: join(nabRoot, 'labels', 'combined_windows.json'),
  profiles: join(nabRoot, 'profiles.json'),
  reference: join(nabRoot, 'reference', 'windowedGaussian'),
};
