/** `hubctl version` (declared in table.ts): docker's Client block, or JSON / a Go template with --format. */
import { versionInfo } from '../../api/version.js';
import type { CliRuntime } from '../runtime.js';

export interface VersionFlags {
  format?: string;
}

export async function versionCommand(rt: CliRuntime, opts: VersionFlags): Promise<void> {
  const v = versionInfo();
  const client = { Version: v.version, Library: v.library, NodeVersion: v.node, Platform: v.platform, Os: v.os, Arch: v.arch };
  if (opts.format === 'json') {
    rt.out.data(JSON.stringify({ Client: client }));
    return;
  }
  if (opts.format !== undefined && opts.format !== '') {
    const { Template, templateValue } = await import('../../format/template.js');
    const template = Template.compile(opts.format.replace(/\\n/g, '\n'), { fields: ['Client'], nested: ['Client'] });
    rt.out.data(template.render(templateValue({ Client: client }) as Parameters<typeof template.render>[0]));
    return;
  }
  for (const line of [
    'Client: hubctl',
    ` Version:       ${v.version}`,
    ` Library:       hubctl ${v.library}`,
    ` Node version:  ${v.node}`,
    ` Platform:      ${v.platform}`,
    ` OS/Arch:       ${v.os}/${v.arch}`,
  ])
    rt.out.data(line);
}
