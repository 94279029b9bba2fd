/** The small pages of the action endpoint: plain HTML, no script, every value escaped, nothing secret in them. */
import Handlebars from 'handlebars';

const hb = Handlebars.create();

const PAGE = hb.compile(
  `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{product}}: {{heading}}</title>
</head>
<body style="margin:0;padding:24px;background:#f3f2f1;font-family:'Segoe UI',Helvetica,Arial,sans-serif;color:#242424;">
<main style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e1dfdd;padding:20px 24px;">
<div style="font-size:12px;letter-spacing:1px;text-transform:uppercase;color:#616161;">{{product}}</div>
<h1 style="font-size:20px;margin:6px 0 12px 0;">{{heading}}</h1>
{{#if facts.length}}<table style="font-size:14px;border-collapse:collapse;margin-bottom:12px;">
{{#each facts}}<tr><td style="color:#616161;padding:2px 12px 2px 0;">{{name}}</td><td style="padding:2px 0;">{{value}}</td></tr>{{/each}}
</table>{{/if}}
{{#each lines}}<p style="font-size:14px;margin:8px 0;">{{this}}</p>{{/each}}
{{#if links.length}}<p style="font-size:14px;margin:12px 0 4px 0;">{{#each links}}<a href="{{url}}" style="display:inline-block;margin:0 8px 6px 0;padding:6px 12px;border:1px solid #0f6cbd;border-radius:4px;color:#0f6cbd;text-decoration:none;">{{title}}</a>{{/each}}</p>{{/if}}
{{#if form}}<form method="post" action="{{form.action}}">
<input type="hidden" name="t" value="{{form.token}}">
<label for="reason" style="display:block;font-size:14px;margin:12px 0 4px 0;">Why (optional, shown in the next messages)</label>
<input id="reason" name="reason" type="text" maxlength="{{form.maxReason}}" style="width:100%;box-sizing:border-box;padding:6px;font-size:14px;">
<button type="submit" style="margin-top:12px;padding:8px 16px;font-size:14px;background:#0f6cbd;color:#fff;border:0;border-radius:4px;">{{form.button}}</button>
</form>{{/if}}
</main>
</body>
</html>
`,
  { strict: false },
);

export interface PageContent {
  product?: string;
  heading: string;
  facts?: Array<{ name: string; value: string }>;
  lines?: string[];
  /** Signed follow-up links (e.g. Unmute after a mute), shown as buttons. */
  links?: Array<{ title: string; url: string }>;
  form?: { action: string; token: string; button: string; maxReason: number };
}

export function renderPage(p: PageContent): string {
  return PAGE({
    product: p.product ?? 'amlmon',
    heading: p.heading,
    facts: p.facts ?? [],
    lines: p.lines ?? [],
    links: p.links ?? [],
    form: p.form,
  });
}

/** Headers for every page: no caching, no referrer (the URL carries the token), no framing, no script at all. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};
