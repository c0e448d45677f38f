export const BUILD_PACKAGES: string[];
export class WorkerError extends Error {}
export function cacheRoot(env?: NodeJS.ProcessEnv): string;
export function cacheKey(version: string, scriptDir?: string): string;
export function smokeTest(bin: string): boolean;
export function missingPackages(): string[];
export interface SystemFacts {
  missingPackages(): string[];
  isDebian: boolean;
  isRoot: boolean;
}
export function obtainWorker(options?: { projectDir?: string; env?: NodeJS.ProcessEnv; system?: SystemFacts }): 'env' | 'cache' | 'build';
