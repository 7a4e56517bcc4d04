// The part of ssh2's API this project uses (the package ships no types and @types/ssh2 is not
// installed): the client for the SSH collector, the server for the lab's simulated devices.

declare module 'ssh2' {
  import { EventEmitter } from 'node:events';
  import type { Duplex } from 'node:stream';

  export interface ConnectConfig {
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    privateKey?: string | Buffer;
    passphrase?: string;
    readyTimeout?: number;
    keepaliveInterval?: number;
    keepaliveCountMax?: number;
    tryKeyboard?: boolean;
    hostVerifier?: (key: Buffer, verify: (ok: boolean) => void) => boolean | void;
  }

  export interface PseudoTtyOptions {
    term?: string;
    rows?: number;
    cols?: number;
  }

  export interface ClientChannel extends Duplex {
    stderr: Duplex;
    setWindow?(rows: number, cols: number, height: number, width: number): void;
    exit(code: number): void;
  }
  export type ServerChannel = ClientChannel;

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    shell(window: PseudoTtyOptions, cb: (err: Error | undefined, channel: ClientChannel) => void): this;
    exec(command: string, cb: (err: Error | undefined, channel: ClientChannel) => void): this;
    end(): this;
    destroy(): this;
    on(event: 'ready' | 'close' | 'end', listener: () => void): this;
    on(event: 'error', listener: (err: Error & { level?: string; code?: string }) => void): this;
    on(
      event: 'keyboard-interactive',
      listener: (name: string, instructions: string, lang: string, prompts: Array<{ prompt: string; echo: boolean }>, finish: (answers: string[]) => void) => void,
    ): this;
  }

  export interface AuthContext {
    method: 'none' | 'password' | 'publickey' | 'keyboard-interactive' | 'hostbased';
    username: string;
    password?: string;
    accept(): void;
    reject(methods?: string[], isPartial?: boolean): void;
  }

  export interface Session extends EventEmitter {
    on(event: 'pty', listener: (accept: (() => void) | undefined, reject: (() => void) | undefined, info: PseudoTtyOptions) => void): this;
    on(event: 'shell', listener: (accept: () => ServerChannel, reject: () => void) => void): this;
    on(event: 'exec', listener: (accept: () => ServerChannel, reject: () => void, info: { command: string }) => void): this;
    on(event: 'window-change' | 'env' | 'signal', listener: (...args: unknown[]) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  export interface ServerConnection extends EventEmitter {
    on(event: 'authentication', listener: (ctx: AuthContext) => void): this;
    on(event: 'ready' | 'close' | 'end', listener: () => void): this;
    on(event: 'session', listener: (accept: () => Session, reject: () => void) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    end(): this;
  }

  export interface ServerConfig {
    hostKeys: Array<string | Buffer>;
    banner?: string;
    ident?: string;
  }

  export class Server extends EventEmitter {
    constructor(config: ServerConfig, connectionListener?: (client: ServerConnection, info: { ip: string; port: number }) => void);
    listen(port: number, host: string, cb?: () => void): this;
    address(): { port: number; address: string };
    close(cb?: (err?: Error) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }

  // ssh2 is CommonJS and Node's ESM loader sees only some of its exports as named ones: import the
  // default export and destructure (`import ssh2 from 'ssh2'; const { Server } = ssh2;`).
  const ssh2: { Client: typeof Client; Server: typeof Server; utils: typeof utils };
  export default ssh2;

  export const utils: {
    generateKeyPairSync(type: 'ed25519' | 'ecdsa' | 'rsa', opts?: { bits?: number; comment?: string }): { private: string; public: string };
    parseKey(data: string | Buffer): unknown;
  };
}
