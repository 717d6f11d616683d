/**
 * `hubctl webhook serve`'s HTTP side: `POST /` only. A request without credentials is refused
 * before its body is read; the body is capped (413), authenticated (401), parsed (400 for bad JSON,
 * 422 for JSON that is no known delivery), and each new push is queued: the answer is 202 at once,
 * the jobs run afterwards (see queue.ts). Event ids seen before are not queued again.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactSecrets } from '../errors.js';
import { hasAnyCredential, presentedCredentials, verifyCredentials } from './auth.js';
import type { EventLog, LogEntry } from './log.js';
import { PayloadError, parseDelivery, type PushEvent } from './payloads.js';
import { JobQueue } from './queue.js';
import { SeenIds } from './seen.js';
import { jobKey, type JobOutcome } from './jobs.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookServerOptions {
  secret: string;
  host: string;
  port: number;
  /** Runs the job of one push (never concurrently for one image or repository). */
  handle: (event: PushEvent, signal: AbortSignal) => Promise<JobOutcome>;
  log: EventLog;
  maxBodyBytes?: number;
  /** Jobs that may wait (default 256); beyond, deliveries get 503 and the sender retries. */
  maxPending?: number;
  /** Jobs running at once, for different images (default 2). */
  concurrency?: number;
  /** Event ids remembered for replay protection (default 10000). */
  seenCapacity?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class WebhookServer {
  private readonly server: http.Server;
  private readonly queue: JobQueue<PushEvent>;
  private readonly seen: SeenIds;
  private deliveries = 0;
  private stopping = false;

  constructor(private readonly options: WebhookServerOptions) {
    this.seen = new SeenIds(options.seenCapacity ?? 10_000);
    this.queue = new JobQueue<PushEvent>({
      maxPending: options.maxPending ?? 256,
      concurrency: options.concurrency ?? 2,
      run: (event, signal) => this.runJob(event, signal),
    });
    this.server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
      this.onRequest(req, res).catch((e: unknown) => this.answer(res, 500, { error: (e as Error).message }));
    });
    this.server.maxConnections = 512;
  }

  /** Starts listening; resolves with the address actually bound (port 0 picks a free one). */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** Stops accepting, drops the jobs that have not started (each logged), and waits for the running ones. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      const closed = new Promise((r) => this.server.close(r));
      this.server.closeIdleConnections();
      for (const event of this.queue.stop()) this.logJob(event, { status: 'dropped', reason: 'the server is stopping' });
      await closed;
    }
    await this.queue.idle();
  }

  /** Tells running jobs to stop now (their programs get SIGTERM, then SIGKILL). */
  abortJobs(): void {
    this.queue.abort(new Error('forced stop'));
    this.server.closeAllConnections();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seq = ++this.deliveries;
    const url = new URL(req.url ?? '/', 'http://webhook.invalid');
    const entry: LogEntry = {
      type: 'delivery',
      delivery: seq,
      remote: req.socket.remoteAddress,
      method: req.method,
      path: redactSecrets(req.url ?? '/'),
    };
    const finish = (status: number, body: Record<string, unknown>, extra: LogEntry = {}) => {
      this.answer(res, status, body);
      this.options.log.write({ ...entry, status, ...extra });
    };
    try {
      if (this.stopping) throw new HttpError(503, 'the server is stopping');
      if (url.pathname !== '/') throw new HttpError(404, 'not found: deliveries go to POST /');
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new HttpError(405, 'only POST is accepted');
      }
      const creds = presentedCredentials(req.headers, url.searchParams);
      if (!hasAnyCredential(creds)) throw new HttpError(401, 'no credentials');
      const body = await readBody(req, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
      const verdict = verifyCredentials(this.options.secret, creds, body);
      if (!verdict.ok) throw new HttpError(401, verdict.reason);
      entry.auth = verdict.method;
      const delivery = parseDelivery(req.headers, decodeBody(req, body));
      entry.source = delivery.source;
      const fresh: PushEvent[] = [];
      let duplicates = 0;
      for (const e of delivery.events) {
        if (this.seen.has(`${e.source}:${e.id}`) || fresh.some((f) => f.id === e.id)) duplicates++;
        else fresh.push(e);
      }
      if (fresh.length > this.queue.room()) {
        res.setHeader('Retry-After', '30');
        throw new HttpError(503, 'too many jobs are waiting; retry later');
      }
      for (const e of fresh) {
        this.seen.add(`${e.source}:${e.id}`);
        this.queue.push(jobKey(e), e);
      }
      const counts = { accepted: fresh.length, duplicates, ignored: delivery.ignored };
      finish(202, counts, { ...counts, events: fresh.map(describe) });
    } catch (e) {
      if (e instanceof HttpError || e instanceof PayloadError) {
        if (e.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="hubctl webhook"');
        finish(e.status, { error: e.message }, { reason: e.message });
        // A refused request's unread body is not worth reading: end the connection instead.
        if (!req.complete) req.socket.end();
        return;
      }
      throw e;
    }
  }

  private answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
    if (res.headersSent) return;
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async runJob(event: PushEvent, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    try {
      const outcome = await this.options.handle(event, signal);
      this.logJob(event, {
        status: outcome.ok ? 'ok' : 'failed',
        steps: outcome.steps,
        durationMs: Date.now() - started,
        ...(outcome.digest ? { digest: outcome.digest } : {}),
      });
    } catch (e) {
      this.logJob(event, { status: 'failed', error: (e as Error).message, durationMs: Date.now() - started });
    }
  }

  private logJob(event: PushEvent, fields: LogEntry): void {
    this.options.log.write({ type: 'job', ...describe(event), ...fields });
  }
}

function describe(e: PushEvent): LogEntry {
  if (e.source === 'git') return { event: e.id, source: e.source, repository: e.repository, ref: e.ref, commit: e.commit };
  return { event: e.id, source: e.source, image: e.image, ...(e.digest ? { digest: e.digest } : {}) };
}

/** The raw body, refused with 413 as soon as it is longer than `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const tooLarge = (limit: number) => new HttpError(413, `the body is larger than ${limit} bytes`);

/** JSON, or GitHub's form encoding (`payload=<JSON>`). */
function decodeBody(req: IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let text = body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') text = new URLSearchParams(text).get('payload') ?? '';
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}
