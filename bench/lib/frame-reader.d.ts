// Types of frame-reader.js for the TypeScript tests.
export declare const MAX_SERVER_FRAME: number;
export declare function parseHandshakeResponse(buf: Buffer): null | { status: number; headers: Record<string, string>; rest: Buffer };
export declare class ServerFrameReader {
  constructor(onFrame: (opcode: number, fin: boolean, payload: Buffer) => void);
  push(chunk: Buffer): void;
}
