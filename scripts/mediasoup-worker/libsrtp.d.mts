export const LIBSRTP_PACKAGE: string;
export const LIBSRTP_VERSION: string;
export function linkageProblem(ldd: string): string;
export function checkLinkage(bin: string): { ok: boolean; problem: string };
