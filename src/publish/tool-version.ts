/** The version of this tuf-ceremony, written into the workflows it generates (as package.json says). */
export const TOOL_VERSION = '0.1.0';
