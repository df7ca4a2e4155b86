import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { GraphQLClient } from '../lib/client';
import type { LiveClient } from '../lib/live';
import type { PlatformsQuery, StoresQuery } from '../gql/graphql';

export type PlatformInfo = PlatformsQuery['platforms'][number];
export type StoreInfo = StoresQuery['stores'][number];

export interface AppServices {
  client: GraphQLClient;
  live: LiveClient;
  platforms: PlatformInfo[];
  stores: StoreInfo[];
  reloadStores: () => Promise<void>;
  signOut: () => void;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside <AppContext.Provider>');
  return services;
}

/** Platforms sorted by display name. */
export function sortPlatforms(platforms: readonly PlatformInfo[]): PlatformInfo[] {
  return [...platforms].sort((a, b) => a.name.localeCompare(b.name));
}
