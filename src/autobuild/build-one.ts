/**
 * One build of a run: the commit built into the store under every `IMAGE:TAG`, then each pushed (a
 * destination that fails does not stop the others), with the log file written as it goes and the
 * record filled in. Never throws for a failed build: the record says `error`; only an interrupt
 * (the signal) is thrown on, after the record says so.
 */
import type { Client } from '../api/client.js';
import { push } from '../api/push.js';
import { tag } from '../api/tag.js';
import { HubctlError, isHubctlError } from '../errors.js';
import { openBuildLog } from './build-log.js';
import type { CommitBuilder } from './builder.js';
import type { RuleMatch } from './rules.js';
import type { BaseImageRecord, BuildRecord, PushedImage } from './state.js';

/** An image this run built, by commit, context and Dockerfile: another ref at that commit is tagged, not built again. */
export interface BuiltInRun {
  id: number;
  /** A store reference of the image. */
  reference: string;
  configDigest: string;
  bases: BaseImageRecord[];
}

export interface BuildOneContext {
  client: Client;
  repository: string;
  builder: CommitBuilder;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now: () => Date;
  /** Called whenever the record changed (the run writes the state file). */
  save: () => Promise<void>;
  onLine?: (record: BuildRecord, line: string) => void;
  onPushed?: (record: BuildRecord, pushed: PushedImage) => void;
  /** Images built earlier in this run (see BuiltInRun); buildOne adds its own. */
  built: Map<string, BuiltInRun>;
}

export async function buildOne(ctx: BuildOneContext, record: BuildRecord, match: RuleMatch): Promise<void> {
  const log = await openBuildLog(record.log);
  const line = (text: string) => {
    log.line(text);
    ctx.onLine?.(record, text);
  };
  record.status = 'building';
  record.startedAt = ctx.now().toISOString();
  await ctx.save();
  line(`autobuild #${record.id}: ${record.refType} ${record.refName} at ${record.commit}`);
  line(`tags ${record.tags.join(', ')} for ${record.images.join(', ')}; context ${record.context}, Dockerfile ${record.dockerfile}`);
  try {
    if (match.invalidTags.length > 0) {
      throw new HubctlError('usage', 'AUTOBUILD_INVALID_TAG', `not valid image tags: ${match.invalidTags.join(', ')}`, {
        hint: 'change the rule so that the tag holds letters, digits, _ . - only and does not start with . or -',
      });
    }
    const references = record.images.flatMap((image) => record.tags.map((tag) => `${image}:${tag}`));
    const key = `${match.ref.commit}\0${record.context}\0${record.dockerfile}`;
    const same = ctx.built.get(key);
    if (same) {
      line(`same commit, context and Dockerfile as #${same.id}: tagging its image ${same.configDigest}`);
      for (const reference of references) await tag(ctx.client, same.reference, reference);
      record.bases = same.bases;
    } else {
      const built = await ctx.builder(ctx.client, {
        repository: ctx.repository,
        ref: match.ref,
        context: record.context,
        dockerfile: record.dockerfile,
        tags: references,
        env: ctx.env,
        log: line,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      record.commit = built.commit;
      record.bases = built.bases;
      line(`built ${built.configDigest}`);
      const entry = { id: record.id, reference: references[0]!, configDigest: built.configDigest, bases: built.bases };
      ctx.built.set(`${built.commit}\0${record.context}\0${record.dockerfile}`, entry);
    }
    record.pushed = [];
    const failures: unknown[] = [];
    for (const reference of references) {
      try {
        const result = await push(ctx.client, reference, {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onEvent: (e) => {
            if (e.type === 'digest') line(`${reference}: digest: ${e.digest} size: ${e.size}`);
          },
        });
        const pushed = { reference, digest: result.pushed[0]!.digest };
        record.pushed.push(pushed);
        record.digest ??= pushed.digest;
        ctx.onPushed?.(record, pushed);
      } catch (e) {
        if (ctx.signal?.aborted) throw e;
        line(`push ${reference} failed: ${(e as Error).message}`);
        failures.push(e);
      }
    }
    if (failures.length > 0) {
      const first = failures[0] as Error;
      const kind = isHubctlError(first) ? first.kind : 'internal';
      throw new HubctlError(kind, 'AUTOBUILD_PUSH_FAILED', `${failures.length} of ${references.length} pushes failed: ${first.message}`, {
        cause: first,
      });
    }
    record.status = 'success';
    line(`success: ${record.digest}`);
  } catch (e) {
    record.status = 'error';
    record.error = (e as Error).message;
    record.errorKind = isHubctlError(e) ? e.kind : 'internal';
    if (ctx.signal?.aborted) {
      record.interrupted = true;
      record.error = 'interrupted';
    }
    line(`error: ${record.error}`);
    if (isHubctlError(e) && e.hint) line(`hint: ${e.hint}`);
  } finally {
    record.finishedAt = ctx.now().toISOString();
    await log.close();
    await ctx.save();
  }
  if (ctx.signal?.aborted) throw new HubctlError('interrupted', 'INTERRUPTED', 'interrupted', { cause: ctx.signal.reason });
}
