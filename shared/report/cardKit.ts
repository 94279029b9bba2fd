/** Small builders shared by the alert and digest cards. */
import { messageBytes, type TeamsMessage, type TextBlock } from './cardTypes.js';
import { escapeCardMarkdown as md } from './markdown.js';

export function text(value: string, extra: Partial<TextBlock> = {}): TextBlock {
  return { type: 'TextBlock', text: md(value), wrap: true, ...extra };
}

export function heading(value: string): TextBlock {
  return text(value, { weight: 'Bolder', spacing: 'Medium' });
}

export function truncationNote(message: string): TextBlock {
  return text(message, { color: 'Warning', isSubtle: false, size: 'Small', spacing: 'Small' });
}

/** Tries the ladder of limits until the message fits the budget. */
export function fitToBudget<L>(ladder: L[], build: (lim: L) => TeamsMessage, maxBytes: number): TeamsMessage {
  let last: TeamsMessage | undefined;
  for (const lim of ladder) {
    last = build(lim);
    if (messageBytes(last) <= maxBytes) return last;
  }
  if (!last) throw new Error('fitToBudget: empty ladder');
  throw new Error(
    `Teams card is ${messageBytes(last)} bytes even at its smallest; the budget is ${maxBytes}`,
  );
}
