// Entry of a worker thread that runs TypeScript: a worker does not inherit the loader hooks the
// main thread registered (bin/opsconductor.mjs registers tsx at run time), so it registers its own
// and then imports the module named in workerData.entry. Plain JavaScript on purpose.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
