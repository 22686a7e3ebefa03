import {
  verifyRepository,
  type VerifyOptions,
  type VerifyReport,
} from '../metadata/client/index.js';
import { VerifiedRolesRecord } from '../repo/verified-roles-store.js';
import type { CommandContext } from './command.js';

/**
 * Finalize's client check of a release: the TUF client workflow with the record of targets roles
 * this machine verified before (unchanged bins are not parsed again; see
 * src/metadata/client/verified-roles.ts), which it then extends with every role it verified in
 * full. Only finalize uses it: `verify` and `publish --check` call verifyRepository without it.
 */
export async function verifyRelease(
  ctx: CommandContext,
  options: Omit<VerifyOptions, 'verifiedRoles'>,
): Promise<VerifyReport> {
  const verifiedRoles = await VerifiedRolesRecord.load(ctx.env);
  const report = await verifyRepository({ ...options, verifiedRoles });
  await verifiedRoles.save();
  return report;
}
