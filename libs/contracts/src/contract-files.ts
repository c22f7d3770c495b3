import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { ConfigurationError } from '@nix/config';

/** A parsed YAML contract file that can say where a path inside it lies. */
export class ContractFile {
  private constructor(
    readonly path: string,
    readonly data: unknown,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): ContractFile {
    const shown = relative(process.cwd(), file) || file;
    const lines = new LineCounter();
    const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: true });
    if (document.errors.length > 0) {
      const first = document.errors[0];
      throw new ConfigurationError(shown, `line ${first.linePos?.[0].line ?? '?'}`, `is not valid YAML: ${first.message.split('\n')[0]}`);
    }
    return new ContractFile(shown, document.toJS(), document, lines);
  }

  /** A ConfigurationError naming this file, the pointer and its line. */
  error(pointer: string, reason: string): ConfigurationError {
    return new ConfigurationError(this.path, this.locate(pointer), reason);
  }

  private locate(pointer: string): string {
    const segments = pointer.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    for (let n = segments.length; n >= 0; n--) {
      const node = this.document.getIn(segments.slice(0, n), true);
      if (isNode(node) && node.range) return `${pointer || '/'} (line ${this.lines.linePos(node.range[0]).line})`;
    }
    return pointer || '/';
  }
}

export function readContractDir(dir: string): ContractFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => ContractFile.read(join(dir, n)));
}
