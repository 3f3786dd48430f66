const PLAIN = /^[\w.@+/:,=-]+$/;

/**
 * Renders a name taken from the records folder (a file name, a link target)
 * so it cannot break the one-line-per-finding output: control characters and
 * anything outside printable ASCII are escaped, and odd names are quoted.
 *
 * @example
 * quoteName('packer.log')   // 'packer.log'
 * quoteName('a\nFAIL x')    // '"a\\nFAIL x"'
 */
export function quoteName(name: string): string {
  if (PLAIN.test(name)) return name;
  return JSON.stringify(name).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
