import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DOCKER_HUB_CONFIG_KEY,
  configKey,
  convertToHostname,
  helperServerUrl,
  isDockerHub,
  keyMatchesRegistry,
  registryHost,
} from '../../../src/credentials/index.js';
import { matchingKeys } from '../../../src/credentials/server-key.js';

describe('server keys', () => {
  it.each([
    ['docker.io', DOCKER_HUB_CONFIG_KEY],
    ['index.docker.io', DOCKER_HUB_CONFIG_KEY],
    ['registry-1.docker.io', DOCKER_HUB_CONFIG_KEY],
    ['https://index.docker.io/v1/', DOCKER_HUB_CONFIG_KEY],
    ['localhost:5000', 'localhost:5000'],
    ['ghcr.io', 'ghcr.io'],
    ['https://ghcr.io/', 'ghcr.io'],
    ['http://127.0.0.1:5001/v1/', '127.0.0.1:5001'],
    ['[::1]:5000', '[::1]:5000'],
    ['registry.example.com/some/path', 'registry.example.com'],
  ])('configKey(%s) = %s', (input, key) => {
    expect(configKey(input)).toBe(key);
    expect(helperServerUrl(input)).toBe(key);
  });

  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://localhost:5000/v1/', 'localhost:5000'],
    ['HTTPS://Example.com/', 'Example.com'],
    ['example.com/ns/repo', 'example.com'],
    ['example.com', 'example.com'],
  ])('convertToHostname(%s) = %s', (key, host) => {
    expect(convertToHostname(key)).toBe(host);
  });

  it('recognises every Docker Hub alias on read', () => {
    for (const k of [
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'https://index.docker.io/v1/',
      'https://registry-1.docker.io/v2/',
      'http://index.docker.io/',
    ]) {
      expect(isDockerHub(k)).toBe(true);
      expect(keyMatchesRegistry(k, 'docker.io')).toBe(true);
      expect(keyMatchesRegistry(k, 'registry-1.docker.io')).toBe(true);
    }
    expect(isDockerHub('docker.io.evil.com')).toBe(false);
    expect(isDockerHub('ghcr.io')).toBe(false);
    expect(keyMatchesRegistry('localhost:5000', 'localhost:5001')).toBe(false);
    expect(keyMatchesRegistry('https://Example.com/v1/', 'example.com')).toBe(true);
  });

  it('orders matches: canonical key, bare host, then others in file order', () => {
    const record = { 'docker.io': 1, 'registry-1.docker.io': 2, [DOCKER_HUB_CONFIG_KEY]: 3, 'ghcr.io': 4 };
    expect(matchingKeys(record, 'docker.io')).toEqual([DOCKER_HUB_CONFIG_KEY, 'docker.io', 'registry-1.docker.io']);
    expect(matchingKeys({ 'https://localhost:5000/': 1, 'localhost:5000': 2 }, 'localhost:5000')).toEqual([
      'localhost:5000',
      'https://localhost:5000/',
    ]);
    expect(matchingKeys({ 'ghcr.io': 1 }, 'localhost:5000')).toEqual([]);
  });

  it('registryHost is idempotent and scheme/path-insensitive', () => {
    fc.assert(
      fc.property(
        fc.domain(),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.constantFrom('', 'https://', 'http://'),
        fc.constantFrom('', '/', '/v1/', '/v2/x'),
        (d, port, scheme, suffix) => {
          const host = port === undefined ? d : `${d}:${port}`;
          const key = `${scheme}${host}${suffix}`;
          expect(registryHost(registryHost(key))).toBe(registryHost(key));
          expect(keyMatchesRegistry(key, host)).toBe(true);
        },
      ),
    );
  });
});
