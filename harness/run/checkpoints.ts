import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WeightMap } from '../engine/types.ts';

/**
 * Trained dense weights, cached by the dense job's identity so every sparse job of the same
 * task and seed reuses them. Format: 4-byte header length, JSON header {names, lengths}, float32 data.
 */
export class CheckpointCache {
  constructor(readonly dir: string) {}

  pathFor(denseJobId: string): string {
    return join(this.dir, `${denseJobId}.weights`);
  }

  has(denseJobId: string): boolean {
    return existsSync(this.pathFor(denseJobId));
  }

  save(denseJobId: string, weights: WeightMap): void {
    const file = this.pathFor(denseJobId);
    mkdirSync(dirname(file), { recursive: true });
    const names = Object.keys(weights).sort();
    const header = Buffer.from(JSON.stringify({ names, lengths: names.map((n) => weights[n].length) }));
    const total = names.reduce((s, n) => s + weights[n].length, 0);
    const body = new Float32Array(total);
    let offset = 0;
    for (const n of names) {
      body.set(weights[n], offset);
      offset += weights[n].length;
    }
    const size = Buffer.alloc(4);
    size.writeUInt32LE(header.length);
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, Buffer.concat([size, header, Buffer.from(body.buffer, body.byteOffset, body.byteLength)]));
    renameSync(temp, file);
  }

  /** The cached weights, or null when absent or unreadable (then the dense model is retrained). */
  load(denseJobId: string): WeightMap | null {
    const file = this.pathFor(denseJobId);
    if (!existsSync(file)) return null;
    try {
      const buf = readFileSync(file);
      const headerLength = buf.readUInt32LE(0);
      const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as { names: string[]; lengths: number[] };
      const dataBytes = buf.subarray(4 + headerLength);
      const total = header.lengths.reduce((a, b) => a + b, 0);
      if (dataBytes.length !== total * 4) return null;
      const data = new Float32Array(new Uint8Array(dataBytes).buffer);
      const out: WeightMap = {};
      let offset = 0;
      header.names.forEach((n, i) => {
        out[n] = data.slice(offset, offset + header.lengths[i]);
        offset += header.lengths[i];
      });
      return out;
    } catch {
      return null;
    }
  }
}
