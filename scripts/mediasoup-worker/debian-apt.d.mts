export function machineMirrors(etc?: string): { mirror: string; security: string };
export function sourcesList(mirrors: { mirror: string; security: string }, release?: string): string;
export function debCompare(a: string, b: string): -1 | 0 | 1;
