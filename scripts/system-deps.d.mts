// Types for scripts/system-deps.mjs (plain JavaScript so that scripts run before `npm run build`).
export type Job = 'demo' | 'test' | 'bench';
export interface SystemDep {
  name: string;
  package: string;
  for: Job[];
  purpose: string;
  probe?: 'command' | 'dpkg';
  base?: boolean;
  optional?: boolean;
}
export const SYSTEM_DEPS: SystemDep[];
export function depsFor(job: Job): SystemDep[];
export function packagesOf(deps: SystemDep[]): string[];
