// Docker Hub endpoints that Docker's OpenAPI description does not document, written as OpenAPI 3.0 path
// items so the emulator validates them like the documented ones. Each carries `x-hubctl-source`: the
// maintained client whose requests the shapes were read from (file URLs: https://github.com/<repo>/blob/HEAD/<path>).
// Schemas name components of the overlaid spec with $ref; `HubWebhookPipeline` and friends are added here.

/** @typedef {Record<string, any>} Json */

const page = (/** @type {string} */ itemRef) => ({
  allOf: [
    { $ref: '#/components/schemas/page' },
    { type: 'object', required: ['results'], properties: { results: { type: 'array', items: { $ref: itemRef } } } },
  ],
});

const json = (/** @type {Json} */ schema) => ({ content: { 'application/json': { schema } } });
const pageParams = [
  { in: 'query', name: 'page', schema: { type: 'integer', minimum: 1 } },
  { in: 'query', name: 'page_size', schema: { type: 'integer', minimum: 1, maximum: 100 } },
];
const repoParams = [{ $ref: '#/components/parameters/namespace' }, { $ref: '#/components/parameters/repository' }];
const errors = {
  400: { description: 'Bad Request', ...json({ $ref: '#/components/schemas/error' }) },
  401: { description: 'Unauthorized', ...json({ $ref: '#/components/schemas/error' }) },
  403: { description: 'Forbidden', ...json({ $ref: '#/components/schemas/error' }) },
  404: { description: 'Not Found', ...json({ $ref: '#/components/schemas/error' }) },
};

/** Schemas of the undocumented objects, merged into components.schemas. */
export const UNDOCUMENTED_SCHEMAS = {
  // ErKiran/dockerhub-go webhook.go (Webhooks), 0xch4z/dockerhub-go webhook.go (Webhooks)
  HubWebhookHook: {
    type: 'object',
    required: ['name', 'hook_url'],
    properties: {
      name: { type: 'string' },
      hook_url: { type: 'string' },
      created: { type: 'string', format: 'date-time' },
      last_updated: { type: 'string', format: 'date-time' },
    },
  },
  // 0xch4z/dockerhub-go webhook.go (Webhook: name, slug, expect_final_callback, webhooks, created, last_updated)
  HubWebhookPipeline: {
    type: 'object',
    required: ['name', 'slug', 'webhooks'],
    properties: {
      name: { type: 'string' },
      slug: { type: 'string' },
      expect_final_callback: { type: 'boolean' },
      webhooks: { type: 'array', items: { $ref: '#/components/schemas/HubWebhookHook' } },
      created: { type: 'string', format: 'date-time' },
      last_updated: { type: 'string', format: 'date-time' },
    },
  },
  // docker/hub-tool pkg/hub/organizations.go (hubOrganizationResult)
  HubUserOrg: {
    type: 'object',
    required: ['orgname'],
    properties: {
      id: { type: 'string' },
      orgname: { type: 'string' },
      full_name: { type: 'string' },
      company: { type: 'string' },
      location: { type: 'string' },
      type: { type: 'string' },
      date_joined: { type: 'string', format: 'date-time' },
      gravatar_email: { type: 'string' },
      gravatar_url: { type: 'string' },
      profile_url: { type: 'string' },
    },
  },
};

/** @type {Record<string, Json>} */
export const UNDOCUMENTED_PATHS = {
  '/v2/repositories/{namespace}/{repository}/': {
    parameters: repoParams,
    patch: {
      operationId: 'hubctlUpdateRepositoryDescriptions',
      'x-hubctl-source':
        'christian-korneck/docker-pushrm provider/dockerhub/dockerhub.go PatchDescription ("trailing slash is crucial"); docker/terraform-provider-docker internal/hubclient/client_repository.go UpdateRepository',
      security: [{ bearerAuth: [] }],
      requestBody: {
        required: true,
        ...json({
          type: 'object',
          minProperties: 1,
          properties: {
            description: { type: 'string', maxLength: 100 },
            full_description: { type: 'string', maxLength: 25000 },
          },
        }),
      },
      // docker-pushrm reads full_description and description back from the answer
      responses: { 200: { description: 'the repository', ...json({ $ref: '#/components/schemas/repository_info' }) }, ...errors },
    },
    delete: {
      operationId: 'hubctlDeleteRepository',
      'x-hubctl-source':
        'docker/hub-tool pkg/hub/repositories.go RemoveRepository (DeleteRepositoryURL "/v2/repositories/%s/"); docker/terraform-provider-docker internal/hubclient/client_repository.go DeleteRepository',
      security: [{ bearerAuth: [] }],
      responses: { 202: { description: 'deleted' }, ...errors },
    },
  },
  '/v2/repositories/{namespace}/{repository}/privacy': {
    parameters: repoParams,
    post: {
      operationId: 'hubctlSetRepositoryPrivacy',
      'x-hubctl-source':
        'docker/terraform-provider-docker internal/hubclient/client_repository.go SetRepositoryPrivacy (body SetRepositoryPrivacyRequest {is_private})',
      security: [{ bearerAuth: [] }],
      requestBody: {
        required: true,
        ...json({ type: 'object', required: ['is_private'], properties: { is_private: { type: 'boolean' } } }),
      },
      // the provider passes no result object: the emulator answers the repository, hubctl ignores the body
      responses: { 200: { description: 'privacy set', ...json({ $ref: '#/components/schemas/repository_info' }) }, ...errors },
    },
  },
  '/v2/repositories/{namespace}/{repository}/tags/': {
    parameters: repoParams,
    get: {
      operationId: 'hubctlListTagsOrdered',
      'x-hubctl-source':
        'docker/hub-tool pkg/hub/tags.go GetTags (TagsURL "/v2/repositories/%s/tags/", page_size, page) with WithSortingOrder (pkg/hub/client.go) and internal/commands/tag/list.go mapOrdering: name asc = "-name", name desc = "name", updated = "last_updated", updated desc = "-last_updated"',
      security: [{ bearerAuth: [] }, {}],
      parameters: [
        ...pageParams,
        { in: 'query', name: 'ordering', schema: { type: 'string', enum: ['last_updated', '-last_updated', 'name', '-name'] } },
      ],
      responses: { 200: { description: 'tags', ...json({ $ref: '#/components/schemas/paginated_tags' }) }, ...errors },
    },
  },
  '/v2/repositories/{namespace}/{repository}/tags/{tag}/': {
    parameters: [...repoParams, { $ref: '#/components/parameters/tag' }],
    delete: {
      operationId: 'hubctlDeleteTag',
      'x-hubctl-source': 'docker/hub-tool pkg/hub/tags.go RemoveTag (DeleteTagURL "/v2/repositories/%s/tags/%s/")',
      security: [{ bearerAuth: [] }],
      responses: { 204: { description: 'deleted' }, ...errors },
    },
  },
  '/v2/repositories/{namespace}/{repository}/webhook_pipeline/': {
    parameters: repoParams,
    get: {
      operationId: 'hubctlListWebhooks',
      'x-hubctl-source':
        'ErKiran/dockerhub-go webhook.go GetWebhooks (a page {count, next, previous, results}); PROTOCOL.md Docker Hub section',
      security: [{ bearerAuth: [] }],
      parameters: pageParams,
      responses: { 200: { description: 'webhooks', ...json(page('#/components/schemas/HubWebhookPipeline')) }, ...errors },
    },
    post: {
      operationId: 'hubctlCreateWebhook',
      'x-hubctl-source':
        '0xch4z/dockerhub-go and ErKiran/dockerhub-go webhook.go CreateWebhook (WebhookRequest {name, expect_final_callback: false, webhooks: [{name, hook_url}], registry: "registry-1.docker.io"})',
      security: [{ bearerAuth: [] }],
      requestBody: {
        required: true,
        ...json({
          type: 'object',
          required: ['name', 'webhooks'],
          properties: {
            name: { type: 'string', minLength: 1 },
            expect_final_callback: { type: 'boolean' },
            webhooks: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['name', 'hook_url'],
                properties: { name: { type: 'string' }, hook_url: { type: 'string', format: 'uri' } },
              },
            },
            registry: { type: 'string' },
          },
        }),
      },
      responses: { 201: { description: 'created', ...json({ $ref: '#/components/schemas/HubWebhookPipeline' }) }, ...errors },
    },
  },
  '/v2/repositories/{namespace}/{repository}/webhook_pipeline/{slug}/': {
    parameters: [...repoParams, { in: 'path', name: 'slug', required: true, schema: { type: 'string' } }],
    delete: {
      operationId: 'hubctlDeleteWebhook',
      'x-hubctl-source': 'ErKiran/dockerhub-go webhook.go DeleteWebhook ("%s%s/" under webhook_pipeline/)',
      security: [{ bearerAuth: [] }],
      responses: { 204: { description: 'deleted' }, ...errors },
    },
  },
  '/v2/user/orgs/': {
    get: {
      operationId: 'hubctlListUserOrgs',
      'x-hubctl-source': 'docker/hub-tool pkg/hub/organizations.go GetOrganizations (OrganizationsURL "/v2/user/orgs/", page_size, page)',
      security: [{ bearerAuth: [] }],
      parameters: pageParams,
      responses: { 200: { description: 'organizations', ...json(page('#/components/schemas/HubUserOrg')) }, 401: errors[401] },
    },
  },
  '/api/build/v1/source/{source}/trigger/{token}/call/': {
    parameters: [
      { in: 'path', name: 'source', required: true, schema: { type: 'string' } },
      { in: 'path', name: 'token', required: true, schema: { type: 'string' } },
    ],
    post: {
      operationId: 'hubctlTriggerBuild',
      'x-hubctl-source':
        'Docker Hub automated builds "remote build triggers" as CI scripts call them (curl POST with {"source_type": "Branch"|"Tag", "source_name": ...} or {"build": true}); PROTOCOL.md Docker Hub section ({"docker_tag": ...})',
      security: [{}],
      // source_type and source_name go together: checked by the emulator (OpenAPI 3.0 has no dependentRequired)
      requestBody: {
        required: false,
        ...json({
          type: 'object',
          properties: {
            source_type: { type: 'string', enum: ['Branch', 'Tag'] },
            source_name: { type: 'string', minLength: 1 },
            docker_tag: { type: 'string', minLength: 1 },
            build: { type: 'boolean' },
          },
        }),
      },
      responses: { 202: { description: 'build queued' }, 400: errors[400], 404: errors[404] },
    },
  },
};
