import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../repo/atomic-write.js';
import { withCommandTable } from './command-table.js';
import { allCommands } from './run.js';

// `npm run docs:commands`: rewrites README's generated command section from the declarations.

const readme = join(fileURLToPath(new URL('../../', import.meta.url)), 'README.md');
const before = await readFile(readme, 'utf8');
const after = withCommandTable(before, await allCommands());
if (after !== before) await writeFileAtomic(readme, after);
process.stdout.write(after === before ? 'README.md is up to date\n' : 'README.md updated\n');
