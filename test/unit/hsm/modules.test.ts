import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectModules, findKnownModule, moduleAtPath } from '../../../src/hsm/modules.js';
import { HAVE_SOFTHSM } from '../../helpers/softhsm.js';

describe('PKCS#11 module locations', () => {
  it('refuses unknown module names, relative and missing paths', () => {
    expect(() => findKnownModule('acme-hsm')).toThrow(
      /unknown PKCS#11 module name "acme-hsm" \(known: ykcs11, opensc, softhsm2\)/,
    );
    expect(() => moduleAtPath('lib/softhsm2.so')).toThrow(/must be absolute/);
    expect(() => moduleAtPath('/nonexistent/libx.so')).toThrow(/does not exist/);
  });

  it('finds only libraries that exist, once each', () => {
    const found = detectModules();
    for (const m of found) expect(existsSync(m.path)).toBe(true);
    expect(new Set(found.map((m) => m.name)).size).toBe(found.length);
  });

  it.runIf(HAVE_SOFTHSM)('finds SoftHSM2 by its well-known names', () => {
    expect(findKnownModule('softhsm2')?.name).toBe('softhsm2');
    expect(findKnownModule('SoftHSM')?.path).toMatch(/libsofthsm2\.so$/);
    expect(detectModules().map((m) => m.name)).toContain('softhsm2');
  });
});
