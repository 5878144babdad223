/**
 * CSV as RFC 4180 describes it (CRLF between records; a field holding a comma, a double quote, CR
 * or LF is quoted, with quotes doubled), made safe to open in a spreadsheet.
 */

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): those starting with = + - @,
 * or with a tab or carriage return, which some spreadsheets skip before looking for one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: null as an empty field, a formula-like text behind a single quote, quoted if needed. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF line break. */
export function csvRecord(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
