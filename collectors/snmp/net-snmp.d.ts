// The part of net-snmp (3.x, plain JavaScript, no bundled types) this project uses. Internals
// (`dgram`, `onMsg`) are declared because the session pool re-wires the socket's message handler
// so that a reply net-snmp chokes on cannot escape as an uncaught exception.

declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:dgram';

  namespace snmp {
    interface Varbind {
      oid: string;
      type: number;
      value: unknown;
    }

    interface SessionOptions {
      port?: number;
      retries?: number;
      timeout?: number; // ms per attempt
      backoff?: number;
      transport?: 'udp4' | 'udp6';
      version?: number;
      backwardsGetNexts?: boolean;
      reportOidMismatchErrors?: boolean;
      idBitsSize?: 16 | 32;
      sourceAddress?: string;
      sourcePort?: number;
      context?: string; // SNMPv3 context name
    }

    interface UsmUser {
      name: string;
      level: number; // SecurityLevel
      authProtocol?: number; // AuthProtocols
      authKey?: string;
      privProtocol?: number; // PrivProtocols
      privKey?: string;
    }

    type GetCallback = (error: Error | null, varbinds?: Varbind[]) => void;
    // For GetBulk, entries past the non-repeaters are arrays: one array of rows per repeater OID.
    type GetBulkCallback = (error: Error | null, varbinds?: Array<Varbind | Varbind[]>) => void;

    interface Session extends EventEmitter {
      get(oids: string[], callback: GetCallback): Session;
      getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, callback: GetBulkCallback): Session;
      close(): Session;
      dgram: Socket;
      onMsg(buffer: Buffer): void;
    }

    function createSession(target: string, community: string, options?: SessionOptions): Session;
    function createV3Session(target: string, user: UsmUser, options?: SessionOptions): Session;

    const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    const AuthProtocols: Record<'none' | 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512', number>;
    const PrivProtocols: Record<'none' | 'des' | 'aes' | 'aes256b' | 'aes256r', number>;
    // ResponseInvalidError.code values this project reads
    const ResponseInvalidCode: { ECouldNotDecrypt: number; EAuthFailure: number; ENotInTimeWindow: number; EUnexpectedReport: number };
    function isVarbindError(varbind: Varbind): boolean;

    const Version1: number;
    const Version2c: number;
    const Version3: number;

    const ObjectType: {
      Boolean: 1;
      Integer: 2;
      OctetString: 4;
      Null: 5;
      OID: 6;
      IpAddress: 64;
      Counter: 65;
      Gauge: 66;
      TimeTicks: 67;
      Opaque: 68;
      Counter64: 70;
      NoSuchObject: 128;
      NoSuchInstance: 129;
      EndOfMibView: 130;
    };

    class RequestTimedOutError extends Error {}
    class RequestFailedError extends Error {
      status: number;
    }
    class ResponseInvalidError extends Error {
      code: number;
    }
    class RequestInvalidError extends Error {}
  }

  export = snmp;
}
