/**
 * docker's warning after storing a password in plaintext (docker/cli), for the CLI to print on stderr
 * once, with the config path filled in.
 */
export function plaintextWarningText(configPath: string): string {
  return (
    `WARNING! Your credentials are stored unencrypted in '${configPath}'.\n` +
    'Configure a credential helper to remove this warning. See\n' +
    'https://docs.docker.com/go/credential-store/'
  );
}
