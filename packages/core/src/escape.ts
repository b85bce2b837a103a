/** Label values: backslash, double quote and line feed are escaped (text format 0.0.4 and OpenMetrics). */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : v;
}

/** HELP text in the 0.0.4 text format: backslash and line feed only. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** HELP text in OpenMetrics uses the label-value escapes (it also escapes the double quote). */
export const escapeHelpOpenMetrics = escapeLabelValue;
