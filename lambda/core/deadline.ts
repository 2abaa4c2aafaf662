/**
 * The one deadline of a token request (docs/deadline.md). Alexa must have the token answer
 * within 4.5 s (Alexa docs: configure-authorization-code-grant, "respond within 4.5 seconds"), so
 * every step of the request — each state-table call, the provider call, the writes after the
 * provider has answered — is bounded by one instant derived from it, measured from the start of the
 * invocation, and never later than the Lambda's own remaining time allows. No AWS imports.
 */

import { ALEXA_TOKEN_DEADLINE_MS, ANSWER_MARGIN_MS } from '../contract/deadlines';

export { ALEXA_TOKEN_DEADLINE_MS };

/** Kept back from Alexa's deadline (lambda/contract/deadlines.ts). */
export { ANSWER_MARGIN_MS };

/**
 * Longest a single state-table call may take. A table that hangs (throttling with the SDK's retries
 * and back-off, a network black hole) then fails in time for the request to still do something
 * useful: call the provider (reusable refresh tokens), or answer 503 (single-use ones).
 */
export const STORE_CALL_MAX_MS = 1000;

/**
 * Time kept after the provider's answer for the write that protects it (a refresh answer that
 * followers and replays of a rotated token are served from). Taken from the provider's budget only
 * when the table was slow: with a fast table the provider keeps its whole `upstreamTimeoutMs`.
 */
export const WRITE_RESERVE_MS = 200;

/** A leader's in-progress marker is honoured this long past the leader's own deadline (clock skew between instances). */
export const IN_PROGRESS_MARGIN_MS = 1000;

/** Shortest budget a call is started with; with less time left it is skipped. */
export const MIN_CALL_MS = 20;

export class RequestDeadline {
  /**
   * @param start epoch ms the invocation started
   * @param at epoch ms by which the answer must be ready (the record written, the handler returning)
   */
  constructor(
    readonly start: number,
    readonly at: number,
    private readonly now: () => number,
  ) {}

  /** The token route's deadline: Alexa's 4.5 s from `start`, or the Lambda's remaining time if that ends first (each minus the margin). */
  static forToken(start: number, remainingMs: number | undefined, now: () => number): RequestDeadline {
    const alexa = start + ALEXA_TOKEN_DEADLINE_MS - ANSWER_MARGIN_MS;
    // The remaining time is read now, which may be later than `start` (the invocation's arrival).
    const lambda = remainingMs !== undefined ? now() + remainingMs - ANSWER_MARGIN_MS : Infinity;
    return new RequestDeadline(start, Math.min(alexa, lambda), now);
  }

  /** ms left until the deadline (negative once it has passed). */
  left(): number {
    return this.at - this.now();
  }

  /** The deadline, ms after the start. */
  get budgetMs(): number {
    return this.at - this.start;
  }

  /**
   * The provider call's budget now: the configured cap, cut to what is left of the request minus
   * `reserveMs` for the writes that must follow the answer; never below 50 ms (an abort that early
   * would only turn a slow answer into a certain failure).
   */
  upstreamBudget(capMs: number, reserveMs = 0): number {
    return Math.max(50, Math.min(capMs, this.left() - reserveMs));
  }
}
