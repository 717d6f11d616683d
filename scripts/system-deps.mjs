// The one list of programs outside node_modules that hubctl's demo, tests and bench run. Everything
// else reads it: scripts/ensure-system-deps.mjs (used by `npm run demo`, `npm test`'s pretest and
// .ci/run), test/harness/tools.mjs (tool lookup with install hints), the README's table
// (test/unit/system-deps.test.ts checks it), and that same test checks that every program the tests,
// the demo and the bench spawn is listed here, so the list cannot drift.
//
// `for`: which jobs need it. `demo` = `npm run demo`, `test` = `npm test`, `bench` = `npm run bench`.
// `base`: part of every Debian install (never installed by us, listed so the spawn check knows it).
// `package`: the Debian package that provides it. `probe`: how presence is checked: a command on
// PATH (default, the entry's name) or `dpkg` for a package without a command.

/** @typedef {'demo' | 'test' | 'bench'} Job */
/** @typedef {{ name: string, package: string, for: Job[], purpose: string, probe?: 'command' | 'dpkg', base?: boolean }} SystemDep */

/** @type {SystemDep[]} */
export const SYSTEM_DEPS = [
  {
    name: 'docker-registry',
    package: 'docker-registry',
    for: ['demo', 'test', 'bench'],
    purpose: 'the CNCF distribution registry (2.8) under test',
  },
  { name: 'openssl', package: 'openssl', for: ['demo', 'test', 'bench'], purpose: 'test CA, TLS and token-signing certificates' },
  { name: 'htpasswd', package: 'apache2-utils', for: ['test'], purpose: 'bcrypt htpasswd files for the htpasswd registry' },
  {
    name: 'skopeo',
    package: 'skopeo',
    for: ['demo', 'test', 'bench'],
    purpose: 'independent client that seeds and checks images; the bench reference',
  },
  { name: 'umoci', package: 'umoci', for: ['test'], purpose: 'independent OCI layout tool that checks what hubctl wrote' },
  { name: 'docker', package: 'docker.io', for: ['test'], purpose: 'the docker client (no daemon) reading the config.json hubctl wrote' },
  {
    name: 'docker-credential-pass',
    package: 'golang-docker-credential-helpers',
    for: ['test'],
    purpose: 'a real docker credential helper',
  },
  {
    name: 'docker-credential-secretservice',
    package: 'golang-docker-credential-helpers',
    for: ['test'],
    purpose: 'a real docker credential helper (Secret Service)',
  },
  { name: 'pass', package: 'pass', for: ['test'], purpose: 'the password store behind docker-credential-pass' },
  { name: 'gpg', package: 'gnupg', for: ['test'], purpose: 'a throw-away key for pass' },
  { name: 'gpgconf', package: 'gnupg', for: ['test'], purpose: 'stops the gpg-agent the pass tests started' },
  { name: 'gnome-keyring-daemon', package: 'gnome-keyring', for: ['test'], purpose: 'the Secret Service for the keychain tests' },
  { name: 'dbus-run-session', package: 'dbus-daemon', for: ['test'], purpose: 'a private D-Bus session for the Secret Service' },
  {
    name: 'libsecret-1-0',
    package: 'libsecret-1-0',
    for: ['test'],
    probe: 'dpkg',
    purpose: 'the Secret Service client library the keychain uses',
  },
  { name: 'libsecret-1-dev', package: 'libsecret-1-dev', for: ['test'], probe: 'dpkg', purpose: 'headers keytar builds against' },
  { name: 'script', package: 'util-linux', for: ['test'], purpose: 'a pseudo-terminal for the prompt tests' },
  { name: 'time', package: 'time', for: ['bench'], purpose: 'GNU time: CPU seconds and peak RSS per run' },
  { name: 'curl', package: 'curl', for: ['bench'], purpose: 'the bench reference: layers fetched with no client overhead' },
  // part of every Debian system
  {
    name: 'sh',
    package: 'dash',
    for: ['test', 'bench'],
    base: true,
    purpose: 'the shell for test helpers, the registry watchdog and the curl references',
  },
  { name: 'tar', package: 'tar', for: ['test'], base: true, purpose: 'reads layers hubctl wrote' },
  { name: 'cp', package: 'coreutils', for: ['test'], base: true, purpose: 'copies test fixtures' },
  { name: 'find', package: 'findutils', for: ['test'], base: true, purpose: 'lists what a test left behind' },
  { name: 'getconf', package: 'libc-bin', for: ['test'], base: true, purpose: 'reads the page size for a memory test' },
  { name: 'sha256sum', package: 'coreutils', for: ['bench'], base: true, purpose: 'hashes the files of a curl reference' },
];

/** @param {Job} job */
export function depsFor(job) {
  return SYSTEM_DEPS.filter((d) => d.for.includes(job));
}

/** The Debian packages that provide `deps`, once each, sorted. @param {SystemDep[]} deps */
export function packagesOf(deps) {
  return [...new Set(deps.map((d) => d.package))].sort();
}
