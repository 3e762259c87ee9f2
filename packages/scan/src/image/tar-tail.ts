import { Transform, type TransformCallback } from "node:stream";

const BLOCK = 512;

/** The size field of a ustar header: octal text, or GNU base-256 when the high bit is set. */
function headerSize(header: Buffer): number {
  if ((header[124]! & 0x80) !== 0) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + header[i]!;
    return value;
  }
  const text = header
    .toString("latin1", 124, 136)
    .replace(/[\0 ]+$/g, "")
    .trim();
  const value = Number.parseInt(text || "0", 8);
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Completes an archive whose writer stopped right after the last entry's data, without the padding and
 * the two end-of-archive blocks (umoci 0.4's `insert` writes such layers; Go's archive/tar, and so Docker,
 * reads them). Only that exact case is completed: an archive cut inside an entry's data is passed on as
 * it is, for the tar reader to report. Archives with pax or GNU long-name headers, whose sizes this
 * block walker does not follow, are never touched.
 */
export class TarTail extends Transform {
  private position = 0;
  private nextHeader = 0;
  private dataEnd = -1;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private extendedHeaders = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      const at = this.position + i;
      if (at < this.nextHeader) {
        i += Math.min(chunk.length - i, this.nextHeader - at);
        continue;
      }
      const take = Math.min(BLOCK - this.headerFill, chunk.length - i);
      chunk.copy(this.header, this.headerFill, i, i + take);
      this.headerFill += take;
      i += take;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        const type = String.fromCharCode(this.header[156]!);
        if ("xgLK".includes(type) && this.header[156] !== 0) this.extendedHeaders = true;
        const size = this.header.every((b) => b === 0) ? 0 : headerSize(this.header);
        const start = this.nextHeader + BLOCK;
        this.dataEnd = start + size;
        this.nextHeader = start + Math.ceil(size / BLOCK) * BLOCK;
      }
    }
    this.position += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const endsAtData =
      this.headerFill === 0 && this.position === this.dataEnd && this.position < this.nextHeader;
    if (!this.extendedHeaders && endsAtData) {
      this.push(Buffer.alloc(this.nextHeader - this.position + 2 * BLOCK));
    }
    callback();
  }
}
