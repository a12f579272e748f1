/**
 * ANSI text for a terminal that shows permanent lines scrolling above a block of lines updated in
 * place (the push progress): each update moves the cursor back up over the block and rewrites it.
 * Terminals expect CRLF.
 */
export class LiveRegion {
  private shown: string[] = [];

  /** Replaces the live block with `lines`. */
  update(lines: string[]): string {
    let out = this.shown.length ? `\x1b[${this.shown.length}A` : '';
    for (const line of lines) out += `\r\x1b[2K${line}\r\n`;
    // A shorter block leaves old lines below: clear them.
    if (lines.length < this.shown.length) out += '\x1b[J';
    this.shown = [...lines];
    return out;
  }

  /** Writes a permanent line above the live block, then redraws the block under it. */
  print(line: string): string {
    if (this.shown.length === 0) return `${line.replace(/\r?\n/g, '\r\n')}\r\n`;
    const block = this.shown;
    let out = `\x1b[${block.length}A\r\x1b[J${line.replace(/\r?\n/g, '\r\n')}\r\n`;
    for (const kept of block) out += `${kept}\r\n`;
    return out;
  }

  /** Leaves the block as it is on screen; later updates start a new block below it. */
  settle(): void {
    this.shown = [];
  }
}
