import { internalError, redactSecrets, usageError, type HubctlError } from '../../errors.js';
import type { DockerfileStage } from '../dockerfile-stages.js';
import type { BuildLog } from '../types.js';

const STEP = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/;
const LAYER = /^--> (?:Using cache )?([0-9a-f]{8,64})$/;
const HIDDEN = [
  /^(?:\[\d+\/\d+\] )?COMMIT\b/,
  /^Successfully tagged /,
  /^[0-9a-f]{64}$/,
  /^Error: /,
  /^subprocess exited (with status \d+|on \w+)$/,
];

/**
 * Reads `buildah bud` output as it comes: forwards it to the build log in docker's words
 * (`Step 2/3 : RUN ...`, ` ---> 1a2b3c4d5e6f`, the commands' own output as it is), hides what only
 * concerns the adapter (its temporary image name, the final ID, buildah's own Error line), and
 * remembers the step being run and the intermediate images, for the error and the cleanup.
 */
export class BudOutput {
  /** The step buildah was at: stage (1-based), step in the stage (1-based), its text. */
  step: { stage: number; step: number; text: string } | undefined;
  /** Image IDs (short) of each step's result, to remove after the build. */
  readonly images: string[] = [];

  constructor(private readonly log: BuildLog) {}

  line(text: string): void {
    const step = STEP.exec(text);
    if (step) {
      const [, stage, stages, k, n, body] = step;
      this.step = { stage: Number(stage ?? 1), step: Number(k), text: body! };
      this.log(`${stage ? `[${stage}/${stages}] ` : ''}Step ${k}/${n} : ${body}`);
      return;
    }
    const layer = LAYER.exec(text);
    if (layer) {
      this.images.push(layer[1]!);
      this.log(` ---> ${layer[1]!.slice(0, 12)}`);
      return;
    }
    if (HIDDEN.some((re) => re.test(text))) return;
    this.log(text);
  }

  /**
   * The error for a failed `buildah bud`: the Dockerfile line of the step it was at, and for a RUN
   * the command's exit status; `message` is buildah's own last error line.
   */
  failure(message: string, stages: readonly DockerfileStage[]): HubctlError {
    const s = this.step;
    if (!s) {
      return internalError('BUILDAH_FAILED', `buildah failed: ${message}`, {
        hint: 'buildah printed more above (run without -q to see it)',
      });
    }
    const ins = stages[s.stage - 1]?.instructions[s.step - 1];
    const at = ins && s.text.startsWith(ins.keyword) ? `Dockerfile:${ins.line}: ` : 'Dockerfile: ';
    const quoted = `building at STEP "${s.text}": `;
    const why = message.startsWith(quoted) ? message.slice(quoted.length) : message.replace(/^building at STEP ".*?": /, '');
    const short = s.text.length > 100 ? `${s.text.slice(0, 99)}…` : s.text;
    const status = /^exit status (\d+)$/.exec(why);
    const details = { ...(ins ? { line: ins.line } : {}), ...(status ? { status: Number(status[1]) } : {}) };
    if (status && s.text.startsWith('RUN')) {
      return usageError('RUN_FAILED', redactSecrets(`${at}${short}: the command exited with status ${status[1]}`), {
        hint: 'its output is above (without -q); fix the command, or the image it runs in',
        details,
      });
    }
    return usageError('BUILD_STEP_FAILED', redactSecrets(`${at}${short}: ${why}`), { details });
  }
}
