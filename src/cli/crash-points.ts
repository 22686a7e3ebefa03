// Crash points live with the file writers (src/repo) so that every layer can use them.
export { crashPoint } from '../repo/crash-hook.js';
