/**
 * The subset of Adaptive Card 1.5 this project emits, typed so a misspelt property is a compile error.
 * test/report/adaptive-card-1.5.subset.schema.json validates the same subset at test time.
 */

export type Spacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
export type TextColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
export type TextSize = 'Default' | 'Small' | 'Medium' | 'Large' | 'ExtraLarge';
export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

interface ElementBase {
  id?: string;
  spacing?: Spacing;
  separator?: boolean;
}

export interface TextBlock extends ElementBase {
  type: 'TextBlock';
  /** Markdown is interpreted by Teams: only escaped text goes here (see ./markdown.ts). */
  text: string;
  wrap?: boolean;
  size?: TextSize;
  weight?: 'Default' | 'Lighter' | 'Bolder';
  color?: TextColor;
  isSubtle?: boolean;
  fontType?: 'Default' | 'Monospace';
  maxLines?: number;
}

/** TextRun text is never interpreted as markdown, so untrusted log lines go here verbatim. */
export interface TextRun {
  type: 'TextRun';
  text: string;
  fontType?: 'Default' | 'Monospace';
  size?: TextSize;
  isSubtle?: boolean;
  color?: TextColor;
  weight?: 'Default' | 'Lighter' | 'Bolder';
}

export interface RichTextBlock extends ElementBase {
  type: 'RichTextBlock';
  inlines: TextRun[];
}

export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface Image extends ElementBase {
  type: 'Image';
  url: string;
  altText?: string;
  size?: 'Auto' | 'Stretch' | 'Small' | 'Medium' | 'Large';
}

export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  bleed?: boolean;
}

export interface TableCell {
  type: 'TableCell';
  items: CardElement[];
}

export interface TableRow {
  type: 'TableRow';
  cells: TableCell[];
  style?: ContainerStyle;
}

export interface Table extends ElementBase {
  type: 'Table';
  columns: { width: number }[];
  rows: TableRow[];
  firstRowAsHeader?: boolean;
  showGridLines?: boolean;
  gridStyle?: ContainerStyle;
}

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: OpenUrlAction[];
}

export type CardElement = TextBlock | RichTextBlock | FactSet | Image | Container | Table | ActionSet;

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.5';
  body: CardElement[];
  actions?: OpenUrlAction[];
  fallbackText?: string;
}

/** The Teams Workflows ("Post to a channel when a webhook request is received") envelope. */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

export function card(body: CardElement[], actions: OpenUrlAction[], fallbackText: string): AdaptiveCard {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
    fallbackText,
  };
}

export function envelope(content: AdaptiveCard): TeamsMessage {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

/** Size on the wire: what the Workflows limit is measured against. */
export function messageBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}
