// Server-side memory of launches in flight, keyed by random values: the OIDC
// `state` (which login a launch answers), used nonces (replay), and Deep
// Linking sessions (the settings page between request and response). No
// cookie is needed, so launches work inside a platform's iframe. Nothing here
// says who is launching: login_hint and every identity claim stay out.
import { randomBytes } from 'node:crypto';

/** What a login leaves for its launch. */
export interface PendingLogin {
  /** Index of the platform registration in lti.platforms. */
  platform: number;
  nonce: string;
  targetLinkUri: string;
  /** lti_deployment_id from the login request, if the platform sent one. */
  deploymentId?: string;
}

/** A Deep Linking request awaiting the teacher's settings. */
export interface PendingDeepLink {
  platform: number;
  deploymentId: string;
  returnUrl: string;
  /** Opaque platform data, echoed in the response. */
  data?: string;
  /** Offered presentation targets (iframe, window). */
  targets: string[];
  title?: string;
}

/** Long enough for a person to get through the platform's screens, short enough to be useless later. */
const LOGIN_TTL_MS = 5 * 60_000;
const DEEP_LINK_TTL_MS = 30 * 60_000;
const MAX_ENTRIES = 10_000;

export const randomId = (): string => randomBytes(24).toString('base64url');

class Expiring<T> {
  private readonly items = new Map<string, { value: T; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  /**
   * Bounded: when full of live entries, the oldest goes (a flood of logins can
   * then only push out launches older than itself, never grow the memory).
   */
  put(key: string, value: T, ttlMs = this.ttlMs): boolean {
    if (this.items.size >= MAX_ENTRIES) this.sweep();
    if (this.items.size >= MAX_ENTRIES) this.items.delete(this.items.keys().next().value!);
    this.items.set(key, { value, expires: Date.now() + ttlMs });
    return true;
  }

  /** The entry, removed: each is good once. */
  take(key: string): T | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    this.items.delete(key);
    return item.expires > Date.now() ? item.value : undefined;
  }

  has(key: string): boolean {
    const item = this.items.get(key);
    return Boolean(item && item.expires > Date.now());
  }

  sweep(): void {
    const now = Date.now();
    for (const [k, v] of this.items) if (v.expires <= now) this.items.delete(k);
  }

  get size(): number {
    return this.items.size;
  }
}

export class LaunchStore {
  private readonly logins = new Expiring<PendingLogin>(LOGIN_TTL_MS);
  private readonly usedNonces = new Expiring<true>(LOGIN_TTL_MS);
  private readonly deepLinks = new Expiring<PendingDeepLink>(DEEP_LINK_TTL_MS);
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      this.logins.sweep();
      this.usedNonces.sweep();
      this.deepLinks.sweep();
    }, 60_000);
    this.timer.unref();
  }

  /** A fresh state for a login, or undefined when too many are in flight. */
  startLogin(login: Omit<PendingLogin, 'nonce'>): { state: string; nonce: string } | undefined {
    const state = randomId();
    const nonce = randomId();
    return this.logins.put(state, { ...login, nonce }) ? { state, nonce } : undefined;
  }

  takeLogin(state: string): PendingLogin | undefined {
    return this.logins.take(state);
  }

  /** Mark a nonce used until the token carrying it has surely expired. False if it was used already. */
  useNonce(nonce: string, untilMs: number): boolean {
    if (this.usedNonces.has(nonce)) return false;
    this.usedNonces.put(nonce, true, Math.max(untilMs - Date.now(), 0) + LOGIN_TTL_MS);
    return true;
  }

  wasNonceUsed(nonce: string): boolean {
    return this.usedNonces.has(nonce);
  }

  startDeepLink(pending: PendingDeepLink): string | undefined {
    const id = randomId();
    return this.deepLinks.put(id, pending) ? id : undefined;
  }

  takeDeepLink(id: string): PendingDeepLink | undefined {
    return this.deepLinks.take(id);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
