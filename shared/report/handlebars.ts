/** One isolated Handlebars environment for all email templates (strict: a typo in a field name throws). */
import Handlebars from 'handlebars';
import { codeParts } from './code.js';
import { INCIDENT_DETAIL, LAYOUT } from './templates.js';

export const hb: typeof Handlebars = Handlebars.create();
hb.registerPartial('incident', INCIDENT_DETAIL);

/** `{{codeText x}}`: escaped text with its backtick spans as <code> (never a literal backtick). */
hb.registerHelper('codeText', (value: unknown) => {
  const parts = codeParts(typeof value === 'string' ? value : '');
  return new hb.SafeString(
    parts
      .map((p) =>
        p.code
          ? `<code style="font-family:Consolas,'Courier New',monospace;font-size:13px;background:#f3f2f1;padding:0 3px;overflow-wrap:anywhere;">${hb.escapeExpression(p.text)}</code>`
          : hb.escapeExpression(p.text),
      )
      .join(''),
  );
});

export type Template = (data: object) => string;

export function compile(source: string): Template {
  const fn = hb.compile(source, { strict: true, noEscape: false });
  return (data: object): string => fn(data);
}

export const layoutTemplate: Template = compile(LAYOUT);

/** Colours per status, chosen for contrast with white text (WCAG AA on the banner). */
export const STATUS_COLOR: Record<string, string> = {
  Failed: '#c4314b',
  Hung: '#b6480b',
  Degraded: '#8a6d00',
  Unknown: '#616161',
  Progressing: '#0f6cbd',
  Healthy: '#237b4b',
  resolved: '#237b4b',
  digest: '#0f6cbd',
};
