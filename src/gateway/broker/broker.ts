// The Broker: where publications get their offsets, where history lives, and how
// a publication reaches every node that has subscribers. The memory broker does
// all of it in-process; a Redis broker (offsets assigned atomically in Redis,
// history in a stream or list, cross-node fan-out over pub/sub) implements the
// same interface, which is why every method is async even when the memory one
// needs not be. The hub is the only caller besides the core's publish.

/** A publication's payload as the broker stores and transports it: JSON data already serialised, or raw bytes. */
export type EncodedPayload = { kind: 'json'; json: string } | { kind: 'raw'; bytes: Buffer; isBinary: boolean };

export interface StreamPosition {
  /** Offset of the newest publication (0 before the first). */
  offset: number;
  /** Changes whenever the channel's history is lost, so offsets from before mean nothing. */
  epoch: string;
}

export interface Publication {
  channel: string;
  offset: number;
  epoch: string;
  payload: EncodedPayload;
}

/** History options of the channel's namespace, passed with every call that may create or grow history. */
export interface HistoryOptions {
  /** Publications kept per channel (0: none). */
  size: number;
  /** ms a publication is kept (0: until pushed out by size). */
  ttl: number;
}

export type HistoryRead =
  /** Every publication after the requested offset, oldest first, and the position they lead to. */
  | { recovered: true; position: StreamPosition; publications: Publication[] }
  /** The epoch differs or the gap is outside the window: only the current position. */
  | { recovered: false; position: StreamPosition };

/**
 * Receives this node's publications of a channel, in offset order, each once.
 * Called synchronously by the memory broker; never throws into the broker.
 */
export type PublicationListener = (publication: Publication) => void;

export interface Broker {
  /** Assigns the next offset, stores the publication in history and delivers it to every subscribed node. */
  publish(channel: string, payload: EncodedPayload, history: HistoryOptions): Promise<Publication>;
  /**
   * Starts delivering the channel's publications to `listener` on this node.
   * Once the promise resolves, every publication that a later history/position
   * read does not include is delivered to the listener.
   */
  subscribe(channel: string, listener: PublicationListener): Promise<void>;
  unsubscribe(channel: string, listener: PublicationListener): Promise<void>;
  /** The channel's current position (creating its state, and so its epoch, when it has none). */
  position(channel: string): Promise<StreamPosition>;
  /** Everything after `since` when `since.epoch` is current and the gap is still in history. */
  history(channel: string, since: StreamPosition): Promise<HistoryRead>;
  /**
   * Optional: reports changes in the number of publications this node holds in
   * history, per channel, so the history gauge stays exact. A broker whose
   * history lives elsewhere (Redis) leaves it out.
   */
  watchHistory?(listener: (channel: string, delta: number) => void): void;
  close(): Promise<void>;
}
