// Rounds for `bench:engine`: on a shared 2-core machine one run of a case can be ±30 %
// off, so a ratio of two single runs says little. Every comparison group therefore runs
// in R rounds; in each round every target of the group runs once, back to back, so a
// pushgate target and its baseline are measured minutes apart at most, under the same
// machine conditions. The order is rotated each round so that no target always runs
// first (cold machine) or last (after its neighbours heated it).

export const DEFAULT_ROUNDS = 3;
export const MAX_ROUNDS = 20;

export class EngineArgError extends Error {}

export const ENGINE_USAGE = `Usage: npm run bench:engine -- [--rounds N] [--quick]

  --rounds N   rounds per comparison group (1..${MAX_ROUNDS}, default ${DEFAULT_ROUNDS})
  --quick      tiny parameters and 1 round (plumbing check, not numbers);
               --rounds still applies when given
  -h, --help   this text
`;

/**
 * @param {string[]} argv
 * @returns {{ quick: boolean, rounds: number, help: boolean }}
 */
export function parseEngineArgs(argv) {
  let quick = false;
  let help = false;
  /** @type {number | null} */
  let rounds = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const raw = arg === '--rounds' ? argv[++i] : arg.slice('--rounds='.length);
      if (raw === undefined || !/^\d+$/.test(raw)) throw new EngineArgError(`--rounds needs a whole number, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
      rounds = Number(raw);
      if (rounds < 1 || rounds > MAX_ROUNDS) throw new EngineArgError(`--rounds must be between 1 and ${MAX_ROUNDS}, got ${rounds}`);
    } else throw new EngineArgError(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { quick, help, rounds: rounds ?? (quick ? 1 : DEFAULT_ROUNDS) };
}

/**
 * Where round `round` (0-based) of `rounds` starts in a list of `count` targets. The
 * offsets are spread evenly over the list rather than stepping by one, so with 3 rounds
 * of 5 targets the first runners are targets 0, 1 and 3 and the last ones 4, 0 and 2:
 * each target's average position is closer to the middle.
 * @param {number} round @param {number} rounds @param {number} count
 */
export function rotationOffset(round, rounds, count) {
  if (count === 0) return 0;
  // More rounds than targets: plain rotation, every start position recurs equally often.
  if (rounds > count) return round % count;
  return Math.floor((round * count) / rounds);
}

/**
 * @template T
 * @param {T[]} list @param {number} offset
 * @returns {T[]} list rotated left by offset
 */
export function rotate(list, offset) {
  const k = list.length === 0 ? 0 : ((offset % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * @typedef {{ group: string, targets: string[], args: (target: string) => string[] }} GroupSpec
 * @typedef {{ group: string, target: string, round: number, position: number, args: string[] }} ScheduledCase
 */

/**
 * The run order: group after group (so a group's rounds stay close together in time),
 * within a group round after round, within a round every target once, rotated.
 * `round` and `position` are 1-based, as printed.
 * @param {GroupSpec[]} groups @param {number} rounds
 * @returns {ScheduledCase[]}
 */
export function scheduleRounds(groups, rounds) {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  /** @type {ScheduledCase[]} */
  const cases = [];
  for (const spec of groups) {
    for (let round = 0; round < rounds; round++) {
      const order = rotate(spec.targets, rotationOffset(round, rounds, spec.targets.length));
      order.forEach((target, index) => {
        cases.push({ group: spec.group, target, round: round + 1, position: index + 1, args: spec.args(target) });
      });
    }
  }
  return cases;
}
