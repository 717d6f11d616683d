import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../../src/errors.js';
import { loginFromEnv } from '../../../../src/cli/commands/hub/credential.js';

describe('Hub login from environment variables', () => {
  it('HUBCTL_HUB_* wins over DOCKERHUB_*', () => {
    const env = { HUBCTL_HUB_USERNAME: 'a', HUBCTL_HUB_TOKEN: 'ta', DOCKERHUB_USERNAME: 'b', DOCKERHUB_TOKEN: 'tb' };
    expect(loginFromEnv(env)).toEqual({ identifier: 'a', secret: 'ta', source: '$HUBCTL_HUB_TOKEN' });
    expect(loginFromEnv({ DOCKERHUB_USERNAME: 'b', DOCKERHUB_TOKEN: 'tb' })).toEqual({
      identifier: 'b',
      secret: 'tb',
      source: '$DOCKERHUB_TOKEN',
    });
    expect(loginFromEnv({})).toBeUndefined();
    expect(loginFromEnv({ HUBCTL_HUB_USERNAME: '', HUBCTL_HUB_TOKEN: '' })).toBeUndefined();
  });

  it('half a pair is an error that names the missing variable, never a fallback', () => {
    for (const [env, text] of [
      [
        { HUBCTL_HUB_USERNAME: 'a', DOCKERHUB_USERNAME: 'b', DOCKERHUB_TOKEN: 'tb' },
        '$HUBCTL_HUB_USERNAME is set but $HUBCTL_HUB_TOKEN is not',
      ],
      [{ DOCKERHUB_TOKEN: 'tb', DOCKERHUB_USERNAME: '' }, '$DOCKERHUB_TOKEN is set but $DOCKERHUB_USERNAME is empty'],
    ] as const) {
      try {
        loginFromEnv(env);
        throw new Error('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(HubctlError);
        expect((e as HubctlError).message).toBe(text);
        expect((e as HubctlError).message).not.toContain('tb');
      }
    }
  });
});
