// Entry of the compiled build (`node bin/main.js` in the folder bin/build.mjs wrote): the CLI,
// without the checkout entry's package installation and tsx (bin/opsconductor.mjs).
import { main } from './cli.js';

await main(process.argv.slice(2));
