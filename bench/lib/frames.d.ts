// Types of frames.js for the TypeScript tests (the bench itself is plain JS).
export declare const OPCODE: Readonly<{ CONTINUATION: 0; TEXT: 1; BINARY: 2; CLOSE: 8; PING: 9; PONG: 10 }>;
export declare function buildClientFrame(payload: Uint8Array | string, options: { opcode?: number; maskKey: Uint8Array }): Buffer;
export declare function buildCloseFrame(code: number, maskKey: Uint8Array): Buffer;
export declare function newMaskKey(): Buffer;
export declare function newHandshakeKey(): string;
export declare function expectedAccept(key: string): string;
export declare function buildHandshakeRequest(options: { host: string; port: number; path: string; key: string }): string;
