// Human-friendly units for config files and environment variables. Every
// duration and size option accepts either a plain number (milliseconds / bytes)
// or a string with a unit, so `pingInterval: 25s` and `pingInterval: 25000`
// mean the same. Parsing is strict: anything else is reported, never guessed.

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// Decimal (kB, MB) and binary (KiB, MiB) prefixes both exist in the wild; the
// binary ones are what the defaults use. Units are matched case-insensitively.
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const WITH_UNIT = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

function parseWithUnits(text: string, units: Record<string, number>, bare: number): number | undefined {
  const match = WITH_UNIT.exec(text);
  if (!match) return undefined;
  const unit = match[2].toLowerCase();
  const factor = unit === '' ? bare : units[unit];
  if (factor === undefined) return undefined;
  const value = Number(match[1]) * factor;
  // Fractions are allowed in the number ("1.5s") but the result must be whole.
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `"25s"` → 25000; `"250"` → 250 (bare numbers are milliseconds); undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  return parseWithUnits(text, DURATION_UNITS, 1);
}

/** `"1MiB"` → 1048576; `"512"` → 512 (bare numbers are bytes); undefined when not a size. */
export function parseSize(text: string): number | undefined {
  return parseWithUnits(text, SIZE_UNITS, 1);
}

/** The same value, printed the way a person would write it in a config file. */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}

export function formatDuration(ms: number): string {
  for (const [unit, factor] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= factor && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}
