// Docker's Hub OpenAPI description, loaded for the emulator: found next to the repository (never copied
// into it), parsed with `yaml`, corrected by hub-spec-overlay.mjs, extended with hub-undocumented.mjs,
// checked and dereferenced by @apidevtools/swagger-parser, and turned into request/response validators
// with ajv (+ ajv-formats). Objects are closed (no properties beyond the schema's) so a misspelt field
// on either side is caught.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { applyHubOverlay } from './hub-spec-overlay.mjs';
import { UNDOCUMENTED_PATHS, UNDOCUMENTED_SCHEMAS } from './hub-undocumented.mjs';

/** @typedef {Record<string, any>} Json */
/** @typedef {{ key: string, method: string, template: string, regex: RegExp, names: string[], op: Json, params: Json[], documented: boolean, source?: string }} HubOperation */

const Ajv2019 = /** @type {any} */ (Ajv2019Module).default ?? Ajv2019Module;
const addFormats = /** @type {any} */ (addFormatsModule).default ?? addFormatsModule;
const SPEC_RELATIVE = join('shared', 'hub-api', 'hub-openapi.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];
/** Statuses any operation may answer although the spec lists them only for some (auth, limits, outages). */
const GENERIC_STATUSES = new Set([401, 403, 404, 429, 500, 502, 503]);

/**
 * The spec file: $HUBCTL_HUB_OPENAPI, else `shared/hub-api/hub-openapi.yaml` in the nearest directory
 * above the repository (the main checkout and CI have it at ../shared; worktrees further up).
 * Throws, never returns nothing: tests must not run without Docker's description.
 * @param {{ env?: Record<string, string | undefined>, from?: string }} [opts]
 */
export function findHubOpenApi(opts = {}) {
  const env = opts.env ?? process.env;
  const override = env.HUBCTL_HUB_OPENAPI;
  if (override !== undefined && override !== '') {
    const p = resolve(override);
    if (!existsSync(p)) throw new Error(`HUBCTL_HUB_OPENAPI names ${p}, which does not exist`);
    return p;
  }
  let dir = opts.from ?? dirname(fileURLToPath(import.meta.url));
  const tried = [];
  for (;;) {
    const candidate = join(dir, SPEC_RELATIVE);
    tried.push(candidate);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(
    `Docker's Hub OpenAPI description was not found (looked for ${SPEC_RELATIVE} in ${tried.length} directories above the repository, up to ${tried.at(-1)}); ` +
      'check out the shared directory next to the repository or set HUBCTL_HUB_OPENAPI to the file',
  );
}

/** Deep copy without shared sub-objects (the dereferenced spec shares them; closing schemas mutates). */
const copy = (/** @type {unknown} */ v) => JSON.parse(JSON.stringify(v));

/**
 * Adds `unevaluatedProperties: false` to every object schema with properties, except allOf branches
 * (their siblings' properties count as evaluated only at the level that combines them).
 * @param {Json} s @param {boolean} branch
 */
export function closeSchema(s, branch = false) {
  if (s === null || typeof s !== 'object') return s;
  const hasShape = s.properties !== undefined || s.allOf !== undefined;
  if (!branch && hasShape && s.additionalProperties === undefined && s.unevaluatedProperties === undefined) s.unevaluatedProperties = false;
  for (const v of Object.values(s.properties ?? {})) closeSchema(v, false);
  if (s.items !== undefined) closeSchema(s.items, false);
  if (s.additionalProperties !== null && typeof s.additionalProperties === 'object') closeSchema(s.additionalProperties, false);
  for (const sub of s.allOf ?? []) closeSchema(sub, true);
  for (const sub of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) closeSchema(sub, false);
  return s;
}

/** @param {Json} doc — every security requirement must name a defined scheme */
export function undefinedSecuritySchemes(doc) {
  const defined = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
  const bad = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      for (const req of item[m]?.security ?? [])
        for (const name of Object.keys(req)) if (!defined.has(name)) bad.push(`${m.toUpperCase()} ${path}: ${name}`);
    }
  }
  return bad;
}

/** @param {boolean} coerce */
function newAjv(coerce) {
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false, coerceTypes: coerce === true });
  addFormats(ajv);
  return ajv;
}

export class HubSpec {
  /**
   * @param {{ file: string, raw: Json, doc: Json, api: Json, fixes: { id: string, where: string, evidence: string }[] }} parts
   */
  constructor(parts) {
    this.file = parts.file;
    /** the spec as published (parsed) */
    this.raw = parts.raw;
    /** with the overlay and the undocumented paths, $refs kept */
    this.doc = parts.doc;
    /** the same, dereferenced */
    this.api = parts.api;
    this.fixes = parts.fixes;
    this.ajvBody = newAjv(false);
    this.ajvQuery = newAjv(true);
    /** @type {Map<string, (v: unknown) => boolean>} */
    this.compiled = new Map();
    /** @type {HubOperation[]} */
    this.operations = [];
    for (const [template, item] of Object.entries(this.api.paths)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => /** @type {string} */ (m[1]));
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)');
      const regex = new RegExp(`^${pattern}$`);
      for (const m of METHODS) {
        const op = item[m];
        if (op === undefined) continue;
        const params = mergeParams(item.parameters ?? [], op.parameters ?? []);
        this.operations.push({
          key: `${m.toUpperCase()} ${template}`,
          method: m.toUpperCase(),
          template,
          regex,
          names,
          op,
          params,
          documented: item['x-hubctl-undocumented'] !== true,
          source: op['x-hubctl-source'],
        });
      }
    }
    // literal segments before parameters: /members/export wins over /members/{username}
    const literal = (/** @type {HubOperation} */ o) => o.template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
    this.operations.sort((a, b) => literal(b) - literal(a) || b.template.length - a.template.length);
  }

  /**
   * The operation for a request, or why there is none.
   * @param {string} method @param {string} pathname the raw (still encoded) path
   * @returns {{ operation: HubOperation, pathParams: Record<string, string> } | { error: string }}
   */
  match(method, pathname) {
    let pathKnown = false;
    for (const o of this.operations) {
      const m = o.regex.exec(pathname);
      if (m === null) continue;
      pathKnown = true;
      if (o.method !== method) continue;
      /** @type {Record<string, string>} */
      const pathParams = {};
      o.names.forEach((n, i) => {
        pathParams[n] = decodeURIComponent(/** @type {string} */ (m[i + 1]));
      });
      return { operation: o, pathParams };
    }
    return {
      error: pathKnown ? `${method} is not an operation of ${pathname}` : `${method} ${pathname} matches no documented or listed operation`,
    };
  }

  /** @param {string} id @param {Json} schema @param {boolean} coerce */
  validator(id, schema, coerce) {
    let v = this.compiled.get(id);
    if (v === undefined) {
      v = (coerce ? this.ajvQuery : this.ajvBody).compile(closeSchema(copy(schema)));
      this.compiled.set(id, /** @type {(v: unknown) => boolean} */ (v));
    }
    return /** @type {any} */ (v);
  }

  /**
   * Checks a request against its operation. Returns the violations, the query (coerced to the
   * parameters' types) and the parsed body.
   * @param {HubOperation} o
   * @param {{ query: URLSearchParams, contentType: string | undefined, body: string }} req
   */
  checkRequest(o, req) {
    /** @type {string[]} */
    const violations = [];
    const declared = o.params.filter((p) => p.in === 'query');
    /** @type {Record<string, unknown>} */
    const query = {};
    for (const name of new Set(req.query.keys())) {
      if (req.query.getAll(name).length > 1) violations.push(`query parameter "${name}" given more than once`);
      if (!declared.some((p) => p.name === name)) violations.push(`query parameter "${name}" is not documented for ${o.key}`);
      else query[name] = req.query.get(name);
    }
    const qSchema = {
      type: 'object',
      properties: Object.fromEntries(declared.map((p) => [p.name, p.schema ?? {}])),
      required: declared.filter((p) => p.required === true).map((p) => p.name),
    };
    const qv = this.validator(`${o.key} query`, qSchema, true);
    if (!qv(query)) violations.push(...qv.errors.map((/** @type {any} */ e) => `query${e.instancePath} ${e.message}`));

    const bodySpec = o.op.requestBody;
    /** @type {unknown} */
    let body;
    if (req.body.length > 0) {
      if (bodySpec === undefined) violations.push(`${o.key} takes no request body`);
      else if (!(req.contentType ?? '').toLowerCase().startsWith('application/json'))
        violations.push(`request body is ${req.contentType ?? 'untyped'}, not application/json`);
      try {
        body = JSON.parse(req.body);
      } catch {
        violations.push('request body is not JSON');
      }
      const schema = bodySpec?.content?.['application/json']?.schema;
      if (body !== undefined && schema !== undefined) {
        const bv = this.validator(`${o.key} body`, schema, false);
        if (!bv(body))
          violations.push(
            ...bv.errors.map(
              (/** @type {any} */ e) =>
                `body${e.instancePath} ${e.message}${e.params?.unevaluatedProperty ? ` (${e.params.unevaluatedProperty})` : ''}`,
            ),
          );
      }
    } else if (bodySpec?.required === true) {
      violations.push(`${o.key} needs a JSON body`);
    }
    return { violations, query, body };
  }

  /**
   * Checks an answer the emulator is about to send against the operation's responses.
   * @param {HubOperation} o @param {number} status @param {unknown} body undefined for no body
   */
  checkResponse(o, status, body) {
    const responses = o.op.responses ?? {};
    let spec = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    let id = `${o.key} ${status}`;
    if (spec === undefined && GENERIC_STATUSES.has(status)) {
      spec = { content: { 'application/json': { schema: this.api.components.schemas.error } } };
      id = 'generic error';
    }
    spec ??= responses.default;
    if (spec === undefined) return [`status ${status} is not documented for ${o.key}`];
    const schema = spec.content?.['application/json']?.schema;
    if (schema === undefined) return body === undefined ? [] : [`${o.key} ${status} has no body in the description, but one was sent`];
    if (o.method === 'HEAD') return body === undefined ? [] : ['a HEAD answer with a body'];
    if (body === undefined) return [`${o.key} ${status} needs a JSON body`];
    const v = this.validator(id, schema, false);
    return v(body)
      ? []
      : v.errors.map(
          (/** @type {any} */ e) =>
            `response${e.instancePath} ${e.message}${e.params?.unevaluatedProperty ? ` (${e.params.unevaluatedProperty})` : ''}`,
        );
  }
}

/** @param {Json[]} pathLevel @param {Json[]} opLevel */
function mergeParams(pathLevel, opLevel) {
  const out = new Map();
  for (const p of [...pathLevel, ...opLevel]) out.set(`${p.in}:${p.name}`, p);
  return [...out.values()];
}

/** @type {Promise<HubSpec> | undefined} */
let cached;

/**
 * The spec, loaded once per process.
 * @param {{ file?: string }} [opts]
 * @returns {Promise<HubSpec>}
 */
export function loadHubSpec(opts = {}) {
  if (opts.file !== undefined) return buildHubSpec(opts.file);
  cached ??= buildHubSpec(findHubOpenApi());
  return cached;
}

/** @param {string} file */
export async function buildHubSpec(file) {
  const raw = YAML.parse(readFileSync(file, 'utf8'));
  const doc = structuredClone(raw);
  const fixes = applyHubOverlay(doc, { paths: UNDOCUMENTED_PATHS, schemas: UNDOCUMENTED_SCHEMAS });
  const bad = undefinedSecuritySchemes(doc);
  if (bad.length > 0) throw new Error(`hub spec: undefined security schemes after the overlay: ${bad.join('; ')}`);
  const api = /** @type {Json} */ (await SwaggerParser.validate(/** @type {any} */ (structuredClone(doc))));
  return new HubSpec({ file, raw, doc, api, fixes });
}
