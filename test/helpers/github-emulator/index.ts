export { startGitHubEmulator } from './server.js';
export type { EmulatorOptions, ExchangeRecord, Fault, GitHubEmulator } from './server.js';
export type { EmulatorRepo, EmulatorToken } from './state.js';
export { loadGitHubApiDescription, EMULATED_OPERATIONS } from './openapi.js';
export type { GitHubApiDescription, OperationId } from './openapi.js';
export { SchemaValidator } from './schema-validator.js';
export { checkRequest, checkResponse } from './conformance.js';
