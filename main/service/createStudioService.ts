// Placeholder until the store lands; replaced by the real service.
import type { StudioService, StudioServiceOptions } from './studioService.ts';

export async function createStudioService(_opts: StudioServiceOptions = {}): Promise<StudioService> {
  throw new Error('the studio service is not built yet');
}
