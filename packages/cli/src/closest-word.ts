import { editDistance } from '@auth/core/provider';

/**
 * The word of `candidates` a mistyped one most likely meant: one it begins (`mus` → `musement`, the shortest), else
 * the nearest by edit distance when at most 2 edits away. Undefined when none is close.
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const extended = candidates.filter((candidate) => candidate.startsWith(lower) && lower.length >= 2);
  if (extended.length === 1) return extended[0];
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate);
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  return best !== undefined && best.distance <= 2 ? best.candidate : undefined;
}
