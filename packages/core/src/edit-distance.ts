/** Levenshtein distance, one row at a time. */
export function editDistance(left: string, right: string): number {
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
