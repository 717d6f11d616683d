// The one list of programs outside node_modules that hubctl's demo, tests and bench run. Everything
// else reads it: scripts/ensure-system-deps.mjs (used by `npm run demo`, `npm test`'s pretest and
// .ci/run), test/harness/tools.mjs (tool lookup with install hints), the README's table
// (test/unit/system-deps.test.ts checks it), and that same test checks that every program the tests,
// the demo and the bench spawn is listed here, so the list cannot drift.
//
// `for`: which jobs need it. `demo` = `npm run demo`, `test` = `npm test`, `bench` = `npm run bench`.
// `base`: part of every Debian install (never installed by us, listed so the spawn check knows it).
// `package`: the Debian package that provides it. `probe`: how presence is checked: a command on
// PATH (default, the entry's name) or `dpkg` for a package without a command. `optional`: used only
// when present (never required by the tool check).

/** @typedef {'demo' | 'test' | 'bench'} Job */
/** @typedef {{ name: string, package: string, for: Job[], purpose: string, probe?: 'command' | 'dpkg', base?: boolean, optional?: boolean }} SystemDep */

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
    for: ['test', 'bench'],
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
    name: 'secret-tool',
    package: 'libsecret-tools',
    for: ['test'],
    purpose: "writes Secret Service items as keytar's libsecret did (the keychain migration test)",
  },
  { name: 'script', package: 'util-linux', for: ['test'], purpose: 'a pseudo-terminal for the prompt tests' },
  { name: 'stty', package: 'coreutils', for: ['test'], base: true, purpose: 'sizes that pseudo-terminal (80 or 120 columns)' },
  { name: 'zsh', package: 'zsh', for: ['test'], purpose: 'runs the zsh completion script hubctl prints' },
  { name: 'fish', package: 'fish', for: ['test'], purpose: 'runs the fish completion script hubctl prints' },
  { name: 'groff', package: 'groff-base', for: ['test'], purpose: 'renders the man page to check it' },
  { name: 'time', package: 'time', for: ['bench'], purpose: 'GNU time: CPU seconds and peak RSS per run' },
  {
    name: 'buildah',
    package: 'buildah',
    for: ['test'],
    purpose: 'the daemonless engine hubctl build hands RUN and multi-stage Dockerfiles to',
  },
  {
    name: 'git',
    package: 'git',
    for: ['test'],
    purpose: 'git build contexts and autobuild: the repositories the tests make, git daemon, and the git hubctl runs',
  },
  {
    // probed as the package: a dynamically linked busybox on PATH would not run inside the test image
    name: 'busybox',
    package: 'busybox-static',
    for: ['test'],
    probe: 'dpkg',
    purpose: 'a static /bin/busybox: the shell of the test base image that RUN steps run in',
  },
  { name: 'curl', package: 'curl', for: ['bench'], purpose: 'the bench reference: layers fetched with no client overhead' },
  // part of every Debian system (npm: comes with Node, which the README asks for)
  { name: 'npm', package: 'npm', for: ['test'], base: true, purpose: 'comes with Node: packs hubctl to check what it ships' },
  { name: 'bash', package: 'bash', for: ['test'], base: true, purpose: 'runs the bash completion script hubctl prints' },
  {
    name: 'sh',
    package: 'dash',
    for: ['demo', 'test', 'bench'],
    base: true,
    purpose: 'the shell for test helpers, the registry watchdog and the curl references',
  },
  { name: 'tar', package: 'tar', for: ['test', 'bench'], base: true, purpose: 'reads layers hubctl wrote; packs bench data' },
  { name: 'cp', package: 'coreutils', for: ['test'], base: true, purpose: 'copies test fixtures' },
  {
    name: 'cat',
    package: 'coreutils',
    for: ['demo', 'test', 'bench'],
    base: true,
    purpose: 'holds the watchdog and D-Bus sessions open; keeps the event a webhook --run command reads on stdin',
  },
  { name: 'touch', package: 'coreutils', for: ['test'], base: true, purpose: 'marks when a webhook job starts and ends' },
  {
    name: 'sleep',
    package: 'coreutils',
    for: ['demo', 'test', 'bench'],
    base: true,
    purpose: 'the registry watchdog waits; a slow webhook job for the SIGTERM test',
  },
  { name: 'find', package: 'findutils', for: ['test'], base: true, purpose: 'lists what a test left behind' },
  { name: 'ps', package: 'procps', for: ['test'], purpose: 'checks that no process of a stopped build is left' },
  { name: 'getconf', package: 'libc-bin', for: ['test', 'bench'], base: true, purpose: 'page size and clock ticks' },
  {
    name: 'mknod',
    package: 'coreutils',
    for: ['test'],
    base: true,
    purpose: 'character and block devices that save -o and config reads must not replace',
  },
  { name: 'mkfifo', package: 'coreutils', for: ['test'], base: true, purpose: 'FIFOs as output paths and as config files' },
  {
    name: 'mount',
    package: 'mount',
    for: ['test'],
    base: true,
    purpose: 'a small tmpfs (a full disk) and a read-only bind mount of a store',
  },
  { name: 'umount', package: 'mount', for: ['test'], base: true, purpose: 'undoes those mounts' },
  {
    name: 'rm',
    package: 'coreutils',
    for: ['demo', 'test', 'bench'],
    base: true,
    purpose: 'the registry watchdog removes its directories',
  },
  { name: 'apt-get', package: 'apt', for: ['demo', 'test', 'bench'], base: true, purpose: 'installs what this list names' },
  { name: 'dpkg-query', package: 'dpkg', for: ['demo', 'test', 'bench'], base: true, purpose: 'checks for packages without a command' },
  {
    name: 'systemctl',
    package: 'systemd',
    for: ['demo', 'test', 'bench'],
    base: true,
    optional: true,
    purpose: 'only where systemd runs: stops the service the docker-registry package starts',
  },
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
