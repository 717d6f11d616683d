/**
 * `hubctl hub build trigger TRIGGER_URL [--tag TAG | --branch NAME | --source-tag NAME]` (declared in
 * declare.ts). The trigger URL holds a secret token: it is never printed (src/hub masks it in debug lines
 * and errors). Docker has deprecated automated builds; the command says so once on stderr.
 */
import { usageError } from '../../../errors.js';
import { withHub, type HubRuntime } from './session.js';

export interface TriggerFlags {
  tag?: string;
  branch?: string;
  sourceTag?: string;
}

export async function buildTrigger(rt: HubRuntime, url: string, flags: TriggerFlags): Promise<void> {
  const given = [flags.tag, flags.branch, flags.sourceTag].filter((v) => v !== undefined);
  if (given.length > 1) throw usageError('CONFLICTING_FLAGS', 'give only one of --tag, --branch and --source-tag');
  const what = {
    ...(flags.tag !== undefined ? { dockerTag: flags.tag } : {}),
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    ...(flags.sourceTag !== undefined ? { gitTag: flags.sourceTag } : {}),
  };
  await withHub(rt, async (hub) => {
    await hub.triggerBuild(url, what);
    const target = flags.tag ?? flags.branch ?? flags.sourceTag;
    rt.out.info(`Build triggered${target === undefined ? '' : ` for ${target}`}`);
    rt.out.warn('Docker Hub automated builds are deprecated; Docker recommends building in CI (e.g. hubctl build and hubctl push)');
  });
}
