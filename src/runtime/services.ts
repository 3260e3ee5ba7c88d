import type { Platform } from './platform';

/** Everything the HTTP layer may call; built once in main.ts (and in tests). */
export interface AppServices {
  platform: Platform;
}

export function createServices(platform: Platform): AppServices {
  return { platform };
}
