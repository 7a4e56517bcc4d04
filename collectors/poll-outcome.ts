// What the pollers log about a target: a change of outcome, not every poll. A device down for a
// day is one warning with its code and reason (and another when the reason changes), then one
// info line when it answers again; a poll that keeps working logs nothing. The counters by code
// (each poller's metrics) carry the rate.
import type { Logger } from '../common/log.js';

export interface PollFailure {
  code: string;
  message: string;
}

/**
 * A function to call after every poll of a target with its error (null when it worked). `what`
 * names the poll in the log message ("snmp poll" → "snmp poll failing" / "snmp poll recovered");
 * `key` tells targets apart (a device, or a device and its command); `fields` say which one it is.
 */
export function pollOutcomeLogger(logger: Logger, what: string) {
  const lastOutcome = new Map<string, string>(); // key → 'ok' | error code, to log changes only
  return (key: string, error: PollFailure | null, fields: Record<string, unknown>): void => {
    const outcome = error ? error.code : 'ok';
    const previous = lastOutcome.get(key);
    if (previous === outcome) return;
    lastOutcome.set(key, outcome);
    if (error) logger.warn(`${what} failing`, { ...fields, code: error.code, reason: error.message });
    else if (previous !== undefined) logger.info(`${what} recovered`, fields);
  };
}
