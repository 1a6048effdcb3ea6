/**
 * The merge pipeline applies environments in promotion stages (stage 1: no `promotion.after`; stage n+1: after an
 * environment of stage n). The apply workflow (.github/workflows/apply.yml) has one job per stage, so the loader
 * rejects an order deeper than this (test/distribution/workflows.test.ts checks the workflow has exactly this many).
 */
export const MAX_PROMOTION_STAGES = 4;
