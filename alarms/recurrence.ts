// Weekly maintenance windows in the operator's time zone: "Tuesdays 02:00 for 4 hours,
// Europe/Amsterdam". Days and minutes are read on the local wall clock of that zone, so a window
// keeps its local hours across daylight-saving changes. A window may run past midnight (it then
// belongs to the day it opened on), at most one day long.
import type { AlarmRecurrence } from '../schemas/types.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f;
}

/** Week day (0 = Sunday) and minute of the day of instant t on the wall clock of timeZone. */
export function localWeekMinute(t: number, timeZone: string): { day: number; minute: number } {
  const parts = formatFor(timeZone).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday')), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Why a recurrence cannot be used, or null. */
export function recurrenceProblem(r: AlarmRecurrence): string | null {
  try {
    formatFor(r.timeZone);
  } catch {
    return `recurrence.timeZone ${JSON.stringify(r.timeZone.slice(0, 60))} is not an IANA time zone (e.g. "Europe/Amsterdam", "UTC")`;
  }
  if (r.days.length === 0 || r.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) return 'recurrence.days must list week days 0 (Sunday) to 6 (Saturday)';
  if (!Number.isInteger(r.startMinute) || r.startMinute < 0 || r.startMinute > 1439) return 'recurrence.startMinute must be 0 to 1439 (minute of the local day)';
  if (!Number.isInteger(r.durationMinutes) || r.durationMinutes < 1 || r.durationMinutes > 1440) return 'recurrence.durationMinutes must be 1 to 1440';
  return null;
}

/** Whether instant t falls in an occurrence of the window (opened today, or yesterday and still running). */
export function inRecurrence(r: AlarmRecurrence, t: number): boolean {
  const { day, minute } = localWeekMinute(t, r.timeZone);
  for (const back of [0, 1]) {
    const opened = (day - back + 7) % 7;
    const since = minute + back * 1440 - r.startMinute;
    if (r.days.includes(opened) && since >= 0 && since < r.durationMinutes) return true;
  }
  return false;
}
