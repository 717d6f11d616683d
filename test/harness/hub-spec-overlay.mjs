// Corrections to Docker's Hub OpenAPI description (shared/hub-api/hub-openapi.yaml), applied in memory to a
// parsed copy; the file itself is never edited. Each fix names its evidence. A fix whose target no longer
// looks as expected throws, so a new spec version is noticed instead of being silently "fixed".

/** @typedef {Record<string, any>} Json */
/** @typedef {{ id: string, where: string, evidence: string, apply: (doc: Json) => void }} OverlayFix */

/** @param {boolean} ok @param {string} id @param {string} what */
function expect(ok, id, what) {
  if (!ok) throw new Error(`hub spec overlay ${id}: the spec no longer matches (${what}); review the fix`);
}

/** @param {Json} schema — makes `next` and `previous` of a page-like schema nullable */
function nullableLinks(schema) {
  for (const k of ['next', 'previous']) if (schema.properties?.[k]) schema.properties[k].nullable = true;
}

/** @type {OverlayFix[]} */
export const HUB_SPEC_FIXES = [
  {
    id: 'security-scheme-name',
    where: 'paths./v2/namespaces/{namespace}/repositories.post.security',
    evidence:
      'CreateRepository names `BearerAuth`; components.securitySchemes defines only `bearerAuth` and `bearerSCIMAuth` (shared/hub-api/README.md, Note)',
    apply(doc) {
      const op = doc.paths['/v2/namespaces/{namespace}/repositories'].post;
      expect(op.security?.[0]?.BearerAuth !== undefined, this.id, 'BearerAuth');
      op.security = [{ bearerAuth: [] }];
    },
  },
  {
    id: 'team-repo-dangling-ref',
    where: 'components.schemas.team_repo.allOf',
    evidence: '`#/components/responses/team_repo` does not exist, and a response is no schema (shared/hub-api/README.md, Note)',
    apply(doc) {
      const s = doc.components.schemas.team_repo;
      expect(s.allOf?.[0]?.$ref === '#/components/responses/team_repo', this.id, 'allOf ref');
      delete s.allOf;
      s.type = 'object';
    },
  },
  {
    id: 'required-inside-properties',
    where: 'components.schemas.orgAccessTokenResource, createOrgAccessTokenRequest',
    evidence: 'OpenAPI 3.0 Schema Object `required` is a list on the object, not `required: true` on a property (shared/hub-api/README.md)',
    apply(doc) {
      for (const name of ['orgAccessTokenResource', 'createOrgAccessTokenRequest']) {
        const s = doc.components.schemas[name];
        /** @type {string[]} */
        const req = [];
        for (const [k, v] of Object.entries(/** @type {Json} */ (s.properties))) {
          if (v.required === true) {
            req.push(k);
            delete v.required;
          }
        }
        expect(req.length > 0, this.id, name);
        s.required = req;
      }
    },
  },
  {
    id: 'response-description',
    where: 'paths./v2/namespaces/{namespace}/repositories/{repository}.get|head.responses.200',
    evidence: 'OpenAPI 3.0 Response Object requires `description`; swagger-parser refuses the file without it',
    apply(doc) {
      const p = doc.paths['/v2/namespaces/{namespace}/repositories/{repository}'];
      for (const m of ['get', 'head']) {
        expect(p[m].responses['200'].description === undefined, this.id, m);
        p[m].responses['200'].description = 'the repository';
      }
    },
  },
  {
    id: 'tag-images-array',
    where: 'components.schemas.tag.properties.images',
    evidence:
      'an array of images: docker/hub-tool pkg/hub/tags.go (`Images []hubTagImage json:"images"`), docker/terraform-provider-docker internal/hubclient/client_repository.go (`Images []TagImage`); shared/hub-api/README.md',
    apply(doc) {
      const p = doc.components.schemas.tag.properties;
      expect(p.images?.type === 'object', this.id, 'images object');
      p.images = { type: 'array', items: { $ref: '#/components/schemas/image' } };
    },
  },
  {
    id: 'tag-v2-boolean',
    where: 'components.schemas.tag.properties.v2',
    evidence: 'a boolean: docker/hub-tool pkg/hub/tags.go (`V2 bool`), docker/terraform-provider-docker client_repository.go (`V2 bool`)',
    apply(doc) {
      const p = doc.components.schemas.tag.properties;
      expect(p.v2?.type === 'string', this.id, 'v2 string');
      p.v2 = { type: 'boolean', description: p.v2.description };
    },
  },
  {
    id: 'tag-extra-fields',
    where: 'components.schemas.tag.properties',
    evidence:
      'fields Hub sends that the spec omits: docker/terraform-provider-docker client_repository.go Tag (`digest`, `media_type`, `content_type`, `tag_status`), docker/hub-tool pkg/hub/tags.go (`tag_status`)',
    apply(doc) {
      const p = doc.components.schemas.tag.properties;
      expect(p.digest === undefined, this.id, 'digest');
      Object.assign(p, {
        digest: { type: 'string' },
        media_type: { type: 'string' },
        content_type: { type: 'string' },
        tag_status: { type: 'string' },
      });
    },
  },
  {
    id: 'org-members-one-page',
    where: 'paths./v2/orgs/{org_name}/members.get.responses.200',
    evidence:
      'one page object: docker/hub-tool pkg/hub/members.go unmarshals `hubMemberResponse {count, next, previous, results}`; shared/hub-api/README.md',
    apply(doc) {
      const r = doc.paths['/v2/orgs/{org_name}/members'].get.responses['200'].content['application/json'];
      expect(r.schema.type === 'array', this.id, 'array of pages');
      r.schema = { $ref: '#/components/schemas/org_member_paginated' };
    },
  },
  {
    id: 'next-previous-nullable',
    where: 'page-like schemas',
    evidence:
      "null on the last/first page: the spec's own examples (`next: null`, `previous: null`), docker/terraform-provider-docker (`Next interface{}`); shared/hub-api/README.md",
    apply(doc) {
      const s = doc.components.schemas;
      for (const name of ['getAccessTokensResponse', 'org_member_paginated', 'getOrgAccessTokensResponse']) nullableLinks(s[name]);
      nullableLinks(doc.paths['/v2/orgs/{org_name}/groups'].get.responses['200'].content['application/json'].schema);
      nullableLinks(doc.paths['/v2/orgs/{org_name}/groups/{group_name}/members'].get.responses['200'].content['application/json'].schema);
      expect(s.page.properties.next.nullable === true, this.id, 'page already nullable');
    },
  },
  {
    id: 'member-search-string',
    where: 'components.parameters.search',
    evidence: 'a search term is text: the parameter says "Search term"; the group members list documents `search` as a string',
    apply(doc) {
      const p = doc.components.parameters.search;
      expect(p.schema.type === 'integer', this.id, 'integer');
      p.schema = { type: 'string' };
    },
  },
  {
    id: 'bulk-invite-answer',
    where: 'paths./v2/invites/bulk.post.responses.202',
    evidence:
      'the answer is `{invitees: [...]}` (the `bulk_invite` schema and its example), not `{invitees: {invitees: [...]}}`; shared/hub-api/README.md',
    apply(doc) {
      const c = doc.paths['/v2/invites/bulk'].post.responses['202'].content['application/json'];
      expect(c.schema.properties?.invitees?.$ref === '#/components/schemas/bulk_invite', this.id, 'nested invitees');
      c.schema = { $ref: '#/components/schemas/bulk_invite' };
    },
  },
  {
    id: 'error-fields-text',
    where: 'components.schemas.error',
    evidence:
      "the spec's own example for listNamespaceRepositories 400 (`invalid_ordering`) is `{fields: {ordering: [...]}, text}` under the `error` schema, which lacks both; PROTOCOL.md lists `{fields, text}` among Hub's error shapes",
    apply(doc) {
      const p = doc.components.schemas.error.properties;
      expect(p.fields === undefined && p.text === undefined, this.id, 'fields/text');
      p.fields = { type: 'object' };
      p.text = { type: 'string' };
    },
  },
  {
    id: 'member-role-editor',
    where: 'components.schemas.org_member.properties.role',
    evidence: 'members can be editors: the role update body and the `role` filter both list `editor`; shared/hub-api/README.md',
    apply(doc) {
      const r = doc.components.schemas.org_member.properties.role;
      expect(!r.enum.includes('Editor'), this.id, 'Editor missing');
      r.enum = ['Owner', 'Editor', 'Member', 'Invitee'];
    },
  },
];

/**
 * Applies every fix to `doc` (a parsed copy of the spec) and adds the undocumented paths and schemas.
 * @param {Json} doc
 * @param {{ paths: Record<string, Json>, schemas: Record<string, Json> }} undocumented
 * @returns {{ id: string, where: string, evidence: string }[]} the fixes applied
 */
export function applyHubOverlay(doc, undocumented) {
  const applied = [];
  for (const fix of HUB_SPEC_FIXES) {
    fix.apply(doc);
    applied.push({ id: fix.id, where: fix.where, evidence: fix.evidence });
  }
  for (const [name, schema] of Object.entries(undocumented.schemas)) {
    if (doc.components.schemas[name] !== undefined) throw new Error(`hub spec overlay: schema ${name} exists already`);
    doc.components.schemas[name] = structuredClone(schema);
  }
  for (const [path, item] of Object.entries(undocumented.paths)) {
    if (doc.paths[path] !== undefined) throw new Error(`hub spec overlay: ${path} is documented now; use the documented operation`);
    doc.paths[path] = { 'x-hubctl-undocumented': true, ...structuredClone(item) };
  }
  return applied;
}
