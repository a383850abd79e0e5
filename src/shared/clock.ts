/**
 * The one clock seam of the package: every scheduler, budget and "now" reads this object, so a test can
 * run a whole flow on a simulator's clock by replacing `now` (and `random`, for jitter) in one place.
 */
export const clock = {
  now: (): number => Date.now(),
  random: (): number => Math.random(),
};
