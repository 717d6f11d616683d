export * from './types.js';
export { parseSearchTerm, isHubRegistry, HUB_REGISTRY, HUB_SEARCH_HOST, type SearchTarget } from './term.js';
export {
  parseSearchFilters,
  parseSearchLimit,
  matchesFilters,
  filtersMatchNothing,
  FILTER_NAMES,
  IS_AUTOMATED_WARNING,
  type ParsedFilters,
} from './filters.js';
export { validateSearchOptions, type RawSearchOptions, type ValidatedSearchOptions } from './options.js';
export {
  fetchV1SearchPage,
  parseV1SearchResponse,
  v1SearchPath,
  isLastV1Page,
  isRepeatedV1Page,
  V1_UNSUPPORTED_STATUSES,
  type V1SearchPage,
} from './hub-search.js';
export {
  catalogPages,
  catalogMatches,
  catalogResult,
  catalogUnsupported,
  parseCatalogBody,
  CATALOG_SCOPES,
  type CatalogPage,
} from './catalog-search.js';
export { parseNextLink, resolveLink } from '../http/link.js';
export { searchImages, searchPages } from './search.js';
export {
  formatSearchResults,
  compileSearchFormat,
  renderCompiled,
  resultContext,
  SEARCH_FIELDS,
  SEARCH_HEADERS,
  DEFAULT_SEARCH_FORMAT,
  DESCRIPTION_WIDTH,
  type FormatOptions,
  type CompiledSearchFormat,
} from './format.js';
export { Template, type TemplateObject, type TemplateValue } from '../format/template.js';
export { alignColumns, DOCKER_TABLE, type TabWriterOptions } from '../format/tabwriter.js';
export { displayWidth, ellipsis, ELLIPSIS, cleanText, flattenLine } from '../format/width.js';
