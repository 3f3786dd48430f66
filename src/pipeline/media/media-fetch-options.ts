import type { LoadedConfig } from '../../config/load-config.js';
import type { DiscoverOptions } from './discover-release.js';

/**
 * The mirror settings of goldsmith.yaml's `media` section, as the fetchers take them.
 *
 * @example
 * const options = mediaFetchOptions(config); // { allowedRedirectHosts: [], idleTimeoutMs: 60000, maxIndexBytes: 4194304 }
 */
export function mediaFetchOptions(config: Pick<LoadedConfig, 'media'>): DiscoverOptions {
  return { allowedRedirectHosts: config.media.allowed_redirect_hosts, idleTimeoutMs: config.media.idle_timeout_seconds * 1000, maxIndexBytes: config.media.max_index_bytes };
}
