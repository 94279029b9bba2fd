/**
 * Inline code in rule text (remedies and explanations mark commands with backticks): split into text and code
 * parts so each channel renders code as code (HTML <code>, an Adaptive Card monospace run) and never shows a
 * literal backtick. An unmatched backtick is ordinary text.
 */
export interface TextPart {
  code: boolean;
  text: string;
}

export function codeParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ code: false, text: text.slice(last, m.index) });
    parts.push({ code: true, text: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}

/** Plain text: code spans without their backticks (the text part of an email, a terminal). */
export function plainCode(text: string): string {
  return codeParts(text)
    .map((p) => p.text)
    .join('');
}
