import { redactSecrets } from '../errors.js';

/** Docker's token formats: personal (`dckr_pat_`), organization (`dckr_oat_`) and others of the family. */
const DOCKER_TOKEN = /\bdckr_[a-z]{2,5}_[A-Za-z0-9_-]{6,}/g;
/** Three base64url parts: a JWT wherever it appears. */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;
/** The token of a build trigger URL: `/trigger/<token>/`. */
const TRIGGER_TOKEN = /(\/trigger\/)[^/\s?#]+/g;

/** Masks the shapes of Docker's secrets (access tokens, JWTs, trigger tokens) and the usual credential forms. */
export function redactHubText(text: string): string {
  return redactSecrets(text.replace(DOCKER_TOKEN, 'dckr_***').replace(JWT, '***').replace(TRIGGER_TOKEN, '$1***'));
}

/**
 * Masks the secrets one client has seen (password, access tokens, JWTs, 2FA codes and tokens, created
 * tokens) and the shapes of Docker's secrets in any text bound for a debug line or an error.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value; values shorter than 4 characters are masked by the patterns only. */
  add(value: string | undefined): void {
    if (value !== undefined && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    // longest first, so a secret containing another is masked whole
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
    for (const enc of [...this.secrets].map((s) => encodeURIComponent(s)).filter((e) => !this.secrets.has(e)))
      out = out.split(enc).join('***');
    return redactHubText(out);
  }
}
