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

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = (previous[column - 1] as number) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current[column] = Math.min((previous[column] as number) + 1, (current[column - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[right.length] as number;
}
