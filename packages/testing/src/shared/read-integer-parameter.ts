/** A whole number from a query parameter, or `fallback` when it is absent, not a number or below `minimum`. */
export function readIntegerParameter(value: string | undefined, fallback: number, minimum = 0): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  return Number.isInteger(number) && number >= minimum ? number : fallback;
}
