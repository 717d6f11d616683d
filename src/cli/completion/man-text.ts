/** The man page's sections after COMMANDS (plain text; man.ts escapes it). */
export const MAN_SECTIONS: [string, string[]][] = [
  [
    'Exit status',
    [
      '0 success; 1 internal error; 2 usage (a bad flag or argument); 3 authentication or authorization; 4 not found; 5 network; 6 integrity (a digest or size mismatch); 7 local store, configuration or file system; 130 interrupted.',
      'Every error is one line starting with "Error:", often followed by a "hint:" line saying what to do.',
    ],
  ],
  [
    'Environment',
    [
      'HUBCTL_STORE: the image store directory when --root is not given (before the "store" setting).',
      "DOCKER_CONFIG: docker's configuration directory (default ~/.docker), where credentials are kept as docker keeps them.",
      'HUBCTL_HUB_URL, HUBCTL_INSECURE_REGISTRIES: the "hub-url" and "insecure-registries" settings for one run.',
      'REGISTRY_AUTH_FILE: a podman/skopeo auth.json read as a fallback.',
      'HTTP_PROXY, HTTPS_PROXY, NO_PROXY: proxies, as curl and docker read them.',
      'NO_COLOR: no colour. FORCE_COLOR: colour even off a terminal (FORCE_COLOR=0: none).',
      'SOURCE_DATE_EPOCH: the time written into built images (default the epoch), for reproducible builds.',
      "XDG_CONFIG_HOME, XDG_DATA_HOME: where hubctl's settings and default store live.",
    ],
  ],
  [
    'Files',
    [
      "~/.config/hubctl/config.json: hubctl's settings (hubctl config list).",
      '~/.local/share/hubctl/store: the default image store, an OCI image layout.',
      '~/.docker/config.json: credentials, credential helpers and the credential store, shared with docker.',
    ],
  ],
  ['See also', ['docker(1), skopeo(1), umoci(1), crane(1). Shell completion: hubctl completion bash|zsh|fish.']],
];
