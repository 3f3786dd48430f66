/**
 * Text that must never become a job: shell injection, control characters,
 * oversized input and Unicode look-alikes. Each entry says what it tries.
 */
export const BAD_INPUT: ReadonlyArray<{ what: string; text: string; says: RegExp }> = [
  { what: 'a shell command after ;', text: 'build ubuntu; rm -rf /', says: /holds ";"/ },
  { what: 'command substitution', text: 'build $(reboot)', says: /holds "\$"/ },
  { what: 'backticks', text: 'build `reboot`', says: /holds "`"/ },
  { what: 'a newline', text: 'build test-ok\nreboot', says: /line break or control character \(U\+000A\)/ },
  { what: 'a carriage return', text: 'build test-ok\rreboot', says: /control character \(U\+000D\)/ },
  { what: 'a NUL byte', text: 'build test-ok\u0000', says: /control character \(U\+0000\)/ },
  { what: 'a pipe', text: 'build test-ok | sh', says: /holds "\|"/ },
  { what: 'an and-list (as Slack escapes it)', text: 'build test-ok &amp;&amp; reboot', says: /holds "&"/ },
  { what: 'a redirect (as Slack escapes it)', text: 'build test-ok &gt; /etc/passwd', says: /holds ">"/ },
  { what: 'a path', text: 'build ../../etc/passwd', says: /holds "\/"/ },
  { what: 'a Packer flag', text: 'build -var=x', says: /holds "="/ },
  { what: 'a flag-looking line name', text: 'build --debug', says: /unknown line "--debug"/ },
  { what: 'quotes', text: 'build "test-ok"', says: /holds """/ },
  { what: 'a mention', text: 'build <@U0BUILDER|builder>', says: /holds "<"/ },
  { what: '10 KB of text', text: `build ${'a'.repeat(10 * 1024)}`, says: /longer than 200 characters/ },
  { what: 'a Cyrillic e in test-ok', text: 'build t\u0435st-ok', says: /"\u0435" \(U\+0435\), which is not a plain ASCII character/ },
  { what: 'a Unicode hyphen', text: 'build test\u2010ok', says: /U\+2010/ },
  { what: 'full-width letters', text: 'build \uff4f\uff4b', says: /U\+FF4F/ },
  { what: 'a zero-width space', text: 'build test-ok\u200b', says: /U\+200B/ },
  { what: 'a right-to-left override', text: 'build \u202ekototset', says: /U\+202E/ },
  { what: '"all" (not offered in chat)', text: 'build all', says: /"all" is not taken here: it would queue every enabled line at once/ },
  { what: 'two lines', text: 'build test-ok test-fail', says: /takes one word after it, not 2/ },
];
