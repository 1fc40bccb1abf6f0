/**
 * Exotel speaks naive India Standard Time wall clock (`2025-11-20 09:41:05`). IST has no daylight
 * saving, so a fixed +05:30 offset converts it exactly.
 */
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;
const IST_WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** Exotel's placeholder for "no time yet" in flow webhooks: the Unix epoch shown in IST. */
export const IST_EPOCH_PLACEHOLDER = "1970-01-01 05:30:00";

export function parseIst(text: string): Date | null {
  const m = IST_WALL_CLOCK.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 30 February over into March; a wall clock that does not exist is not a time.
  const fields = [wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()];
  if (fields.join() !== [y, mo, d, h, mi, s].join()) return null;
  return new Date(wall.getTime() - IST_OFFSET_MS);
}

function istParts(date: Date) {
  const shifted = new Date(date.getTime() + IST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    date: `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`,
    time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`,
    shifted,
  };
}

/** `2025-11-20 09:41:05`, the form Exotel's `DateCreated` filter takes. */
export function formatIst(date: Date): string {
  const { date: day, time } = istParts(date);
  return `${day} ${time}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `20 Nov 2025, 9:41 AM IST`, for people reading a ticket. */
export function formatIstReadable(date: Date): string {
  const { shifted } = istParts(date);
  const hours = shifted.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const minutes = String(shifted.getUTCMinutes()).padStart(2, "0");
  const meridiem = hours < 12 ? "AM" : "PM";
  return `${shifted.getUTCDate()} ${MONTHS[shifted.getUTCMonth()]} ${shifted.getUTCFullYear()}, ${hour12}:${minutes} ${meridiem} IST`;
}

/** `2025-11-20`: the day a moment falls on in IST. */
export function formatIstDay(date: Date): string {
  return istParts(date).date;
}

/**
 * The same IST wall-clock time `months` calendar months earlier. A day the earlier month lacks
 * runs on into the next month (31 August less six months is 3 March), the later of the usual
 * readings, so the result is inside those months however they are counted.
 */
export function istMonthsBefore(date: Date, months: number): Date {
  const shifted = new Date(date.getTime() + IST_OFFSET_MS);
  shifted.setUTCMonth(shifted.getUTCMonth() - months);
  return new Date(shifted.getTime() - IST_OFFSET_MS);
}

/** Midnight IST at or after a moment: the start of the first whole IST day from then on. */
export function startOfIstDayAtOrAfter(date: Date): Date {
  const shifted = date.getTime() + IST_OFFSET_MS;
  return new Date(Math.ceil(shifted / DAY_MS) * DAY_MS - IST_OFFSET_MS);
}

/** `YYYY-MM-DD` read as the start of that day in IST (for `backfill --since`). */
export function parseIstDate(text: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseIst(`${text} 00:00:00`) : null;
}
