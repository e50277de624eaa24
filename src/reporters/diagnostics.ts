import type { Diagnostic } from '../result.js';
import { formatDiagnostic } from '../result.js';
import { escapeLine } from './escape.js';
import type { Output } from './terminal.js';

/** Prints each diagnostic on one line, `file:line:col: message`, and a count. */
export function printDiagnostics(out: Output, diags: readonly Diagnostic[]): void {
  // One line each, whatever the file's text they quote holds.
  for (const d of diags) out.err(escapeLine(formatDiagnostic(d)));
  if (diags.length > 1) out.err(`${diags.length} problems`);
}
