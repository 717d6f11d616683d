// Shared test harness: real registries, a token server, test images via skopeo. See index.d.ts for types.
export { startRegistry, DEFAULT_USERS } from './registry.mjs';
export { startTokenServer, parseScope } from './token-server.mjs';
export * from './images.mjs';
export { REQUIRED_TOOLS, INSTALL_COMMAND, findTool, requireTool, checkTools } from './tools.mjs';
export { runTool, redactText } from './proc.mjs';
export { freePort } from './ports.mjs';
export { makeTlsCerts, makeSigningCert } from './certs.mjs';
export { writeHtpasswd, bcryptLine } from './htpasswd.mjs';
export { bcryptHash } from './bcrypt.mjs';
export { signJwt, decodeJwt } from './jwt.mjs';
export { startFaultProxy } from './fault-proxy.mjs';
export { startPassStore, startKeyringSession } from './credential-stores.mjs';
export { gitTestEnv, makeGitRepo } from './git.mjs';
