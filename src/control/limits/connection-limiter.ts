// Counts open connections in total and per client address. It hands out no
// lease object: whoever acquired gives the slot back with release(ip), and the
// per-connection holder (ConnectionSlot) makes sure that happens once, so a
// connection released from both an error path and its close handler counts once.

export interface ConnectionLimits {
  /** Most connections at once (0: unlimited). */
  maxConnections: number;
  /** Most connections at once from one client address (0: unlimited). */
  maxConnectionsPerIp: number;
}

/** Which limit refused an acquisition. */
export type AcquireRefusal = 'total' | 'per_ip';

export function validateConnectionLimits(limits: ConnectionLimits, name: string): void {
  for (const key of ['maxConnections', 'maxConnectionsPerIp'] as const) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}.${key} must be an integer >= 0`);
  }
}

export class ConnectionLimiter {
  private count = 0;
  /**
   * Open connections per address, only while the address has one; null when
   * there is no per-address limit (an entry per client address would cost
   * memory for nothing).
   */
  private readonly perIp: Map<string, number> | null;

  constructor(private readonly limits: ConnectionLimits) {
    validateConnectionLimits(limits, 'limits');
    this.perIp = limits.maxConnectionsPerIp > 0 ? new Map() : null;
  }

  /** Takes one slot for `ip`: null when granted, else the limit that refused it. */
  tryAcquire(ip: string): AcquireRefusal | null {
    const { maxConnections, maxConnectionsPerIp } = this.limits;
    if (maxConnections > 0 && this.count >= maxConnections) return 'total';
    if (this.perIp) {
      const current = this.perIp.get(ip) ?? 0;
      if (current >= maxConnectionsPerIp) return 'per_ip';
      this.perIp.set(ip, current + 1);
    }
    this.count++;
    return null;
  }

  /** Gives back one slot taken for `ip`. More releases than acquisitions never drive a count below zero. */
  release(ip: string): void {
    if (this.count === 0) return;
    if (this.perIp) {
      const current = this.perIp.get(ip);
      if (current === undefined) return;
      if (current > 1) this.perIp.set(ip, current - 1);
      else this.perIp.delete(ip);
    }
    this.count--;
  }

  get total(): number {
    return this.count;
  }

  /** Open connections from `ip` (0 when there is no per-address limit: nothing is tracked). */
  countFor(ip: string): number {
    return this.perIp?.get(ip) ?? 0;
  }

  /** Addresses with open connections (memory check in tests). */
  get addresses(): number {
    return this.perIp?.size ?? 0;
  }
}
