import type { Requester } from '../evidence/run-schema.js';

/** What the template store holds for one line, for `/image list`. */
export interface LineTemplates {
  /** `<base>`: the template in use, or null when there is none. */
  current: string | null;
  /** `<base>-prev`: the one-step rollback, or null. */
  previous: string | null;
  /** `<base>-build`: a fresh build waiting for promotion, or null. */
  candidate: string | null;
  /** The newest promotion or rollback of the line. */
  lastPromotion: { at: string; kind: 'promotion' | 'rollback'; by: string; pullRequest?: string | undefined } | null;
  /** Why the facts above are unknown (template store unreachable, not wired), when they are. */
  note?: string | undefined;
}

/**
 * The template stores and promotion, as the bots use them: `/image list`,
 * `/image rollback`, and the promotion pull request a build message links to.
 * `goldsmith serve` passes storeTemplateOperations (every line on its
 * platform's store); the bots only see this interface, so they never touch
 * a platform themselves.
 *
 * @example
 * const ops: TemplateOperations = {
 *   templates: async (line) => ({ current: 'tpl-ubuntu-24.04', previous: null, candidate: null, lastPromotion: null }),
 *   rollback: async (line, requester) => ({ summary: `rolled back ${line}` }),
 * };
 */
export interface TemplateOperations {
  /** The templates of `line` (a matrix key). */
  templates(line: string): Promise<LineTemplates>;
  /**
   * Rolls `line` back one step (a forward action, recorded like a promotion).
   * Resolves with a one-line summary for the user; rejects with a message
   * that says what to do when it cannot.
   */
  rollback(line: string, requester: Requester): Promise<{ summary: string }>;
  /** The promotion pull request opened for a build job, once there is one. */
  promotionPullRequest?(jobId: number): string | undefined;
}

/**
 * The stand-in `goldsmith serve` uses until a template store is connected:
 * it says so instead of guessing.
 *
 * @example
 * const ops = unwiredTemplateOperations('promotion is not connected to goldsmith serve yet');
 */
export function unwiredTemplateOperations(reason: string): TemplateOperations {
  return {
    templates: async () => ({ current: null, previous: null, candidate: null, lastPromotion: null, note: reason }),
    rollback: async () => {
      throw new Error(`${reason}; roll back with "goldsmith rollback <line>" on the build host`);
    },
  };
}
