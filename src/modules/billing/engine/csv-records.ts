/**
 * RFC 4180 records from a stream of bytes: fields separated by commas, records by CRLF, LF or a lone CR; a field in
 * double quotes may hold commas, line breaks and doubled quotes (`""` for `"`). A quote inside an unquoted field is
 * kept as a character, as spreadsheets do. The reader never builds strings: it reports each record as byte offsets
 * into a buffer, and its reader decodes only the fields it needs.
 */

/** One record, valid only during the callback (the buffer and offsets are reused). */
export type CsvRecord = {
  readonly bytes: Buffer;
  /** How many fields the record has; offsets exist for the first `capacity` of them. */
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** 1 where a quoted field holds doubled quotes, which `fieldText` turns back into one. */
  readonly escaped: Uint8Array;
  /** The line of the file the record starts on, from 1. */
  readonly line: number;
};

export type CsvProblem = {
  line: number;
  code: "malformed_quotes" | "record_too_long";
  reason: string;
};

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * The longest record we wait for. A longer one is almost always a stray quote that swallowed the rest of the file:
 * it is reported and reading resumes at the next line, so one bad line cannot cost the file or the memory.
 */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const NEED_MORE = -1;

export class CsvRecordReader {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly escaped: Uint8Array;
  private carry: Buffer | null = null;
  private line = 1;
  /** After an over-long record: bytes are dropped until the next line break. */
  private skippingLine = false;
  private readonly record: {
    bytes: Buffer;
    count: number;
    starts: Int32Array;
    ends: Int32Array;
    escaped: Uint8Array;
    line: number;
  };

  constructor(
    private readonly capacity: number,
    private readonly onRecord: (record: CsvRecord) => void,
    private readonly onProblem: (problem: CsvProblem) => void,
  ) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.escaped = new Uint8Array(capacity);
    this.record = {
      bytes: Buffer.alloc(0),
      count: 0,
      starts: this.starts,
      ends: this.ends,
      escaped: this.escaped,
      line: 1,
    };
  }

  /** The offset in the stream of the record reading stopped at (see `stopAt`), or -1. */
  stoppedAt = -1;
  /** Records starting at or after this offset of the stream are not read. */
  private limit = Number.POSITIVE_INFINITY;
  /** Bytes pushed so far: the offset in the stream of the next chunk. */
  private streamed = 0;
  private carryOffset = 0;

  /**
   * Reads no record that starts at or after `offset` bytes into the stream: the reader stops there and `stoppedAt`
   * says where that record starts, so a reader given a part of a file ends exactly where the next part's reader
   * should begin.
   */
  stopAt(offset: number): void {
    this.limit = offset;
  }

  /** The line the next record starts on. */
  get nextLine(): number {
    return this.line;
  }

  /**
   * The offset in the stream where the first record not yet read starts: every record before it has been handed
   * on. -1 while the rest of an over-long line is being skipped, when no record boundary is known.
   */
  get consumed(): number {
    if (this.skippingLine) return -1;
    return this.carry ? this.carryOffset : this.streamed;
  }

  push(chunk: Buffer): void {
    const offset = this.streamed;
    this.streamed += chunk.length;
    this.feed(chunk, offset);
  }

  private feed(chunk: Buffer, offset: number): void {
    if (this.stoppedAt >= 0) return;
    if (this.skippingLine) {
      const lf = chunk.indexOf(LF);
      if (lf === -1) return;
      this.skippingLine = false;
      this.line++;
      chunk = chunk.subarray(lf + 1);
      offset += lf + 1;
    }
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      [chunk, offset] = this.finishCarriedRecord(carry, this.carryOffset, chunk, offset);
      if (this.stoppedAt >= 0) return;
    }
    const used = chunk.length > 0 ? this.drain(chunk, offset, false) : 0;
    if (used >= chunk.length) return;
    this.carry = chunk.subarray(used);
    this.carryOffset = offset + used;
    if (this.carry.length > MAX_RECORD_BYTES) {
      this.onProblem({
        line: this.line,
        code: "record_too_long",
        reason: `the record is longer than ${MAX_RECORD_BYTES} bytes (a quote that is never closed?); the line is skipped`,
      });
      const lf = this.carry.indexOf(LF);
      const rest = this.carry.subarray(lf + 1);
      const restOffset = this.carryOffset + lf + 1;
      this.carry = null;
      this.skippingLine = lf === -1;
      if (lf !== -1) {
        this.line++;
        this.feed(rest, restOffset);
      }
    }
  }

  /**
   * Completes the record cut by the end of the last chunk with the start of this one, copying only as many bytes of
   * the chunk as it takes (a record is about a kilobyte, a chunk a megabyte). Returns what is left to read and its
   * offset: the rest of the chunk, from a record boundary; or, when the chunk did not complete the record, everything.
   */
  private finishCarriedRecord(
    carry: Buffer,
    carryOffset: number,
    chunk: Buffer,
    chunkOffset: number,
  ): [Buffer, number] {
    for (let take = Math.min(chunk.length, 64 * 1024); ; take = Math.min(chunk.length, take * 4)) {
      const joined = Buffer.concat([carry, chunk.subarray(0, take)]);
      const used = this.drain(joined, carryOffset, false);
      if (used >= carry.length)
        return [chunk.subarray(used - carry.length), chunkOffset + used - carry.length];
      if (used > 0 || take === chunk.length)
        return [Buffer.concat([joined.subarray(used), chunk.subarray(take)]), carryOffset + used];
    }
  }

  /** The stream has ended: the last record needs no line break. */
  end(): void {
    const bytes = this.carry;
    this.carry = null;
    if (bytes && this.stoppedAt < 0) this.drain(bytes, this.carryOffset, true);
  }

  /**
   * Reads every complete record of `bytes`; returns how many bytes were used (the rest starts an incomplete record,
   * unless `final`).
   */
  private drain(bytes: Buffer, offset: number, final: boolean): number {
    const len = bytes.length;
    const { starts, ends, escaped, capacity } = this;
    let pos = 0;
    while (pos < len) {
      const recordStart = pos;
      if (offset + recordStart >= this.limit) {
        this.stoppedAt = offset + recordStart;
        return len;
      }
      let line = this.line;
      let count = 0;
      let problem: string | null = null;
      fields: for (;;) {
        if (pos < len && bytes[pos] === QUOTE) {
          let p = pos + 1;
          let doubled = 0;
          let closing = -1;
          for (;;) {
            let q = p;
            while (q < len) {
              const c = bytes[q] ?? 0;
              if (c <= QUOTE) {
                if (c === QUOTE) break;
                if (c === LF) line++;
              }
              q++;
            }
            if (q === len || (q + 1 === len && !final)) break;
            if (bytes[q + 1] === QUOTE) {
              doubled = 1;
              p = q + 2;
              continue;
            }
            closing = q;
            break;
          }
          if (closing === -1) {
            if (!final) return recordStart;
            this.onProblem({
              line: this.line,
              code: "malformed_quotes",
              reason: "a quoted field is never closed; the line is skipped",
            });
            pos = resyncAfter(bytes, recordStart);
            this.line++;
            continue;
          }
          if (count < capacity) {
            starts[count] = pos + 1;
            ends[count] = closing;
            escaped[count] = doubled;
          }
          count++;
          pos = closing + 1;
          if (pos === len) {
            if (!final) return recordStart;
            break fields;
          }
          const c = bytes[pos];
          if (c === COMMA) {
            pos++;
            continue;
          }
          if (c === LF || c === CR) {
            const after = lineBreakEnd(bytes, pos, final);
            if (after === NEED_MORE) return recordStart;
            pos = after;
            line++;
            break fields;
          }
          problem = "a quoted field is followed by other text before the next comma";
          const lf = bytes.indexOf(LF, pos);
          if (lf === -1 && !final) return recordStart;
          pos = lf === -1 ? len : lf + 1;
          line++;
          break fields;
        }
        let p = pos;
        // Most bytes of a field are letters, digits or punctuation above the comma: one comparison passes them.
        while (p < len) {
          const c = bytes[p] ?? 0;
          if (c <= COMMA && (c === COMMA || c === LF || c === CR)) break;
          p++;
        }
        if (p === len && !final) return recordStart;
        if (count < capacity) {
          starts[count] = pos;
          ends[count] = p;
          escaped[count] = 0;
        }
        count++;
        if (p === len) {
          pos = p;
          break;
        }
        if (bytes[p] === COMMA) {
          pos = p + 1;
          continue;
        }
        const after = lineBreakEnd(bytes, p, final);
        if (after === NEED_MORE) return recordStart;
        pos = after;
        line++;
        break;
      }
      const startLine = this.line;
      this.line = line;
      if (problem) {
        this.onProblem({ line: startLine, code: "malformed_quotes", reason: problem });
        continue;
      }
      const blank = count === 1 && starts[0] === ends[0] && bytes[recordStart] !== QUOTE;
      if (blank) continue;
      const record = this.record;
      record.bytes = bytes;
      record.count = count;
      record.line = startLine;
      this.onRecord(record);
    }
    return pos;
  }
}

/** Where the line break at `at` (CR, LF or CRLF) ends; NEED_MORE if a CR ends the buffer and more may follow. */
function lineBreakEnd(bytes: Buffer, at: number, final: boolean): number {
  if (bytes[at] === LF) return at + 1;
  if (at + 1 < bytes.length) return bytes[at + 1] === LF ? at + 2 : at + 1;
  return final ? at + 1 : NEED_MORE;
}

function resyncAfter(bytes: Buffer, from: number): number {
  const lf = bytes.indexOf(LF, from);
  return lf === -1 ? bytes.length : lf + 1;
}

/** A field's text (UTF-8), with doubled quotes of a quoted field made single. */
export function fieldText(record: CsvRecord, index: number): string {
  if (index >= record.count || index >= record.starts.length) return "";
  const text = record.bytes.toString("utf8", record.starts[index], record.ends[index]);
  return record.escaped[index] ? text.replaceAll('""', '"') : text;
}
