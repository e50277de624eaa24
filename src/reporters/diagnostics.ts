import type { Diagnostic } from '../result.js';
import { formatDiagnostic } from '../result.js';
import type { Output } from './terminal.js';

/** Prints each diagnostic on one line, `file:line:col: message`, and a count. */
export function printDiagnostics(out: Output, diags: readonly Diagnostic[]): void {
  for (const d of diags) out.err(formatDiagnostic(d));
  if (diags.length > 1) out.err(`${diags.length} problems`);
}
