// The optical power a transceiver reports as "no light", shared by the CLI parsers (which read it
// from the device's text) and the normaliser (which records dark SNMP / MCP readings the same way).

/**
 * What DOM readers print for "no light": Junos "- Inf dBm", others "-inf" or "-40.00". A receiver
 * cannot measure below roughly -40 dBm, so no light is recorded as that floor: a finite number
 * the pipeline can chart, compare with a baseline and alarm on.
 */
export const NO_LIGHT_DBM = -40;
