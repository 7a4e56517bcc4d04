// Scenario requests the lab's HTTP API forwards to the MCP simulator:
//   { "element": "lab-waveserver-1", "port": "1-2", "degradeDb": 8 }    OPR lowered (0 restores)
//   { "element": "...", "raiseAlarm": { "condition": "LOS", "resource": "1-2", "severity": "CRITICAL" } }
//   { "element": "...", "clearAlarms": true }
//   { "addLink": { "a": { "name": "<element>", "port": "1/3" }, "b": { "name": "<element or other device>", "port": "…" } } }
//   { "removeLink": "<freId>" }                                       a link MCP stops reporting
//   { "fault": "none" | "expire-tokens-once" | "refuse-tokens" | "http-500" | "garbage-json" | "endless-body" | "fres-wrong-types" }
import { OpsError } from '../../../common/errors.js';
import { MCP_FAULTS, type McpFault, type McpSimulator, type SimAlarm, type SimLinkInput } from './mcp-simulator.js';

export interface CienaScenario {
  element?: string;
  port?: string;
  degradeDb?: number;
  raiseAlarm?: Partial<SimAlarm> & { condition: string; resource: string };
  clearAlarms?: boolean;
  addLink?: SimLinkInput;
  removeLink?: string;
  fault?: McpFault;
}

const isEnd = (e: unknown) => typeof (e as { name?: unknown })?.name === 'string' && typeof (e as { port?: unknown })?.port === 'string';

export function applyCienaScenario(sim: McpSimulator, s: CienaScenario): { applied: string[] } {
  const applied: string[] = [];
  const needElement = () => {
    if (!s.element || !sim.element(s.element)) throw new OpsError('LAB_BAD_SCENARIO', `ciena scenario: no element "${s.element}"; elements: ${sim.elements.map((e) => e.name).join(', ')}`);
    return s.element;
  };
  if (s.degradeDb !== undefined) {
    if (!s.port) throw new OpsError('LAB_BAD_SCENARIO', 'ciena scenario: degradeDb needs a "port"');
    sim.degrade(needElement(), s.port, s.degradeDb);
    applied.push(`degrade ${s.element} ${s.port} ${s.degradeDb} dB`);
  }
  if (s.raiseAlarm) applied.push(`alarm ${sim.raiseAlarm(needElement(), s.raiseAlarm).alarmId} raised`);
  if (s.clearAlarms) {
    sim.clearAlarms(needElement());
    applied.push('alarms cleared');
  }
  if (s.addLink !== undefined) {
    if (!isEnd(s.addLink?.a) || !isEnd(s.addLink?.b)) throw new OpsError('LAB_BAD_SCENARIO', 'ciena scenario: addLink needs "a" and "b", each { "name": string, "port": string }');
    applied.push(`link ${sim.addLink(s.addLink).freId} added`);
  }
  if (s.removeLink !== undefined) {
    if (!sim.removeLink(String(s.removeLink))) throw new OpsError('LAB_BAD_SCENARIO', `ciena scenario: no link "${s.removeLink}"; links: ${sim.links.map((l) => l.freId).join(', ') || 'none'}`);
    applied.push(`link ${s.removeLink} removed`);
  }
  if (s.fault !== undefined) {
    if (!MCP_FAULTS.includes(s.fault)) throw new OpsError('LAB_BAD_SCENARIO', `ciena scenario: fault must be one of ${MCP_FAULTS.join(', ')}`);
    sim.setFault(s.fault);
    applied.push(`fault ${s.fault}`);
  }
  if (applied.length === 0) throw new OpsError('LAB_BAD_SCENARIO', 'ciena scenario: nothing to apply');
  return { applied };
}
