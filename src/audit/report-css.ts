/**
 * The report's only style sheet, inlined into the page: readable on screen,
 * and printed in landscape with tables that repeat their heading and never
 * cut a row in two.
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a; margin: 0 auto; padding: 24px; max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #333; padding-bottom: 2px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.meta { color: #444; margin: 2px 0; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.when { white-space: nowrap; }
table.changes { table-layout: fixed; }
td code, td a, .digest { overflow-wrap: anywhere; }
.digest { word-break: break-all; font-size: 11px; }
pre { background: #f4f4f4; border: 1px solid #ccc; padding: 8px; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.tile { border: 1px solid #999; border-radius: 4px; padding: 8px 12px; min-width: 150px; }
.tile b { display: block; font-size: 22px; }
.pass { color: #0a5d1c; font-weight: 600; }
.fail { color: #a00000; font-weight: 700; }
.na { color: #555; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 700; border: 1px solid currentColor; }
.revoked { color: #a00000; font-weight: 700; }
ul.tight { margin: 4px 0; padding-left: 18px; }
.empty { font-style: italic; padding: 8px; border: 1px dashed #999; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .digest { font-size: 9px; }
  thead { display: table-header-group; }
  tr, .tile, pre, li { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.new-page { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
}
`;
