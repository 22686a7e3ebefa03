/** Fewest characters a passphrase for a new key file may have (NIST SP 800-63B asks for 8+). */
export const MIN_PASSPHRASE_CHARACTERS = 12;

/**
 * Why a passphrase is too weak to protect a new key file, or undefined when it is fine: it must
 * have at least 12 characters (Unicode code points after NFC). The reason never repeats it.
 */
export function passphraseWeakness(passphrase: string): string | undefined {
  const count = Array.from(passphrase.normalize('NFC')).length;
  if (count >= MIN_PASSPHRASE_CHARACTERS) return undefined;
  return `the passphrase has ${count} character(s); a new key file needs at least ${MIN_PASSPHRASE_CHARACTERS} (a few unrelated words make a strong one)`;
}
