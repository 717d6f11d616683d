// Test certificates made with openssl at runtime: a CA + server cert for TLS, a self-signed token-signing cert.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './proc.mjs';

/**
 * @typedef {{ caFile: string, caKeyFile: string, certFile: string, keyFile: string, certDir: string }} TlsFiles
 * @typedef {{ certFile: string, keyFile: string }} SigningFiles
 */

/**
 * Make a test CA and a server certificate for IP 127.0.0.1 and DNS localhost in `dir`.
 * `certDir` holds only `ca.crt` (use it as skopeo `--cert-dir` / containers certs.d).
 * @param {string} dir
 * @returns {Promise<TlsFiles>}
 */
export async function makeTlsCerts(dir) {
  await mkdir(dir, { recursive: true });
  const caKeyFile = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certFile = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  const t = { timeoutMs: 30_000 };
  await runTool(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      caKeyFile,
      '-out',
      caFile,
      '-days',
      '7',
      '-sha256',
      '-subj',
      '/CN=hubctl test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    t,
  );
  await runTool(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      '/CN=127.0.0.1',
    ],
    t,
  );
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await runTool(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caFile,
      '-CAkey',
      caKeyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      '7',
      '-sha256',
      '-extfile',
      ext,
    ],
    t,
  );
  const certDir = join(dir, 'certs.d');
  await mkdir(certDir, { recursive: true });
  await runTool('cp', [caFile, join(certDir, 'ca.crt')], t);
  return { caFile, caKeyFile, certFile, keyFile, certDir };
}

/**
 * Make a self-signed certificate (RSA 2048 -> RS256, or EC P-256 -> ES256) used both as distribution's
 * `rootcertbundle` and as x5c[0] of tokens.
 * @param {string} dir
 * @param {'rsa' | 'ec'} [keyType]
 * @returns {Promise<SigningFiles>}
 */
export async function makeSigningCert(dir, keyType = 'rsa') {
  await mkdir(dir, { recursive: true });
  const keyFile = join(dir, 'token-signing.key');
  const certFile = join(dir, 'token-signing.crt');
  const key = keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  await runTool(
    'openssl',
    [
      'req',
      '-x509',
      ...key,
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '7',
      '-sha256',
      '-subj',
      '/CN=hubctl test token issuer',
    ],
    { timeoutMs: 30_000 },
  );
  return { certFile, keyFile };
}
