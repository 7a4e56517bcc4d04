// The MCP simulator's links: FREs (forwarding relationship entities) as MCP's NSI search API
// serves them, `GET /nsi/api/v2/search/fres?include=tpes,networkConstructs`: JSON:API pages of
// `fres`, each with two `endPoints` (ids "<freId>:1" and "<freId>:2") whose `tpes` relationship
// names the termination point (id "<networkConstructId>::TPE_<port>"), and, in `included`, the
// endPoints, the TPEs (attributes.nativeName is the port as the element names it,
// relationships.networkConstruct its element) and the network constructs (attributes.name).
// A far end MCP does not manage (a router beside a Ciena switch, found by the switch's LLDP) is a
// network construct of type "manual", as MCP records third-party neighbours.
//
// Filters honoured: networkConstruct.id, serviceClass and resourceState (comma-separated lists).

export interface SimLinkEnd {
  name: string; // the network element's name (an MCP element, or a manual construct)
  port: string; // the TPE's nativeName
}

export interface SimLink {
  freId: string;
  a: SimLinkEnd;
  b: SimLinkEnd;
  serviceClass: string; // "LLDP" for an Ethernet link found by LLDP, "Fiber" for a photonic span
  resourceState: 'discovered' | 'planned' | 'plannedAndDiscovered';
}

export interface SimConstruct {
  id: string;
  name: string;
  type: 'networkElement' | 'manual';
}

type Doc = { id: string; type: string; attributes?: Record<string, unknown>; relationships?: Record<string, unknown> };

const tpeId = (nc: SimConstruct, port: string) => `${nc.id}::TPE_${port}`;

/** The FREs a query selects, in a stable order (by FRE id). */
export function selectFres(links: SimLink[], constructOf: (name: string) => SimConstruct, q: URLSearchParams): SimLink[] {
  const list = (k: string) => (q.get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const nc = list('networkConstruct.id');
  const classes = list('serviceClass');
  const states = list('resourceState');
  return links
    .filter((l) => nc.length === 0 || nc.includes(constructOf(l.a.name).id) || nc.includes(constructOf(l.b.name).id))
    .filter((l) => classes.length === 0 || classes.includes(l.serviceClass))
    .filter((l) => states.length === 0 || states.includes(l.resourceState))
    .sort((x, y) => (x.freId < y.freId ? -1 : x.freId > y.freId ? 1 : 0));
}

/** One page's `data` and `included` (each included resource once). */
export function freDocuments(page: SimLink[], constructOf: (name: string) => SimConstruct, include: string[]): { data: Doc[]; included: Doc[] } {
  const included = new Map<string, Doc>();
  const add = (d: Doc) => included.set(`${d.type}/${d.id}`, d);
  const data = page.map((l): Doc => {
    const ends = [l.a, l.b];
    ends.forEach((end, i) => {
      const nc = constructOf(end.name);
      add({ id: `${l.freId}:${i + 1}`, type: 'endPoints', attributes: { role: 'symmetric' }, relationships: { tpes: { data: [{ type: 'tpes', id: tpeId(nc, end.port) }] } } });
      if (include.includes('tpes')) {
        add({
          id: tpeId(nc, end.port),
          type: 'tpes',
          attributes: { nativeName: end.port, locations: [{ managementType: nc.type === 'manual' ? 'manual' : 'rest', neName: nc.name, port: end.port }], layerTerminations: [{ layerRate: 'ETHERNET', active: true }] },
          relationships: { networkConstruct: { data: { type: 'networkConstructs', id: nc.id } } },
        });
      }
      if (include.includes('networkConstructs')) add({ id: nc.id, type: 'networkConstructs', attributes: { name: nc.name, networkConstructType: nc.type } });
    });
    return {
      id: l.freId,
      type: 'fres',
      attributes: {
        mgmtName: `${l.a.name} ${l.a.port} - ${l.b.name} ${l.b.port}`,
        layerRate: l.serviceClass === 'Fiber' ? 'OTS' : 'ETHERNET',
        serviceClass: l.serviceClass,
        directionality: 'bidirectional',
        resourceState: l.resourceState,
        displayData: { operationState: 'In Service' },
      },
      relationships: { endPoints: { data: ends.map((_, i) => ({ type: 'endPoints', id: `${l.freId}:${i + 1}` })) } },
    };
  });
  return { data, included: [...included.values()] };
}
