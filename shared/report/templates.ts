/**
 * Handlebars templates of the HTML email. Kept as TypeScript strings so they compile into dist (no file reads at
 * run time). Mail-client rules: table layout, inline styles only, no scripts, no external images, widths in px.
 * Every `{{value}}` is HTML-escaped by Handlebars; no template uses the unescaped `{{{ }}}` form except for `actionsHtml` (itself a rendered template) and
 * `body`, which is itself a rendered template.
 */

const FONT = "font-family:'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "font-family:Consolas,'Courier New',monospace";

export const LAYOUT = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f3f2f1;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f2f1;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" style="width:680px;max-width:100%;background:#ffffff;border:1px solid #e1dfdd;${FONT};font-size:14px;line-height:20px;color:#242424;">
<tr><td style="background:{{accent}};padding:14px 20px;color:#ffffff;${FONT};">
<div style="font-size:12px;letter-spacing:1px;text-transform:uppercase;opacity:0.9;">{{product}} · {{banner}}</div>
<div style="font-size:20px;line-height:26px;font-weight:bold;">{{heading}}</div>
</td></tr>
<tr><td style="padding:16px 20px;">
{{{body}}}
</td></tr>
<tr><td style="padding:12px 20px;border-top:1px solid #e1dfdd;font-size:12px;color:#616161;${FONT};">
Sent by {{product}} at {{sentAt}}.{{#if docsUrl}} <a href="{{docsUrl}}" style="color:#0f6cbd;">How to read this report</a>.{{/if}}
Log lines are quoted from the cluster with secrets redacted.
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;

const SECTION_TITLE = `style="margin:16px 0 6px 0;font-size:15px;font-weight:bold;color:#242424;${FONT};"`;

/** A block of commands a person copies: monospace, wraps anywhere rather than overflowing the mail client. */
const COMMANDS_STYLE = `margin:0;padding:8px 10px;background:#faf9f8;border:1px solid #e1dfdd;${MONO};font-size:13px;line-height:18px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;`;

/** Facts table + root cause + confirm + changes + evidence + fix + secondary + gaps + bundle + links of one incident. */
export const INCIDENT_DETAIL = `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;font-size:14px;${FONT};">
{{#each facts}}<tr><td style="width:130px;padding:2px 8px 2px 0;color:#616161;vertical-align:top;">{{label}}</td><td style="padding:2px 0;overflow-wrap:anywhere;word-break:break-word;{{style}}">{{value}}</td></tr>
{{/each}}</table>
<div ${SECTION_TITLE}>Root cause</div>
<div style="font-size:16px;line-height:22px;font-weight:bold;overflow-wrap:anywhere;">{{rootCause}}</div>
{{#if explanation}}<div style="margin-top:4px;color:#424242;overflow-wrap:anywhere;">{{codeText explanation}}</div>{{/if}}
{{#if commands.length}}
<div ${SECTION_TITLE}>Confirm it</div>
<pre style="${COMMANDS_STYLE}">{{#each commands}}{{this}}
{{/each}}</pre>
{{/if}}
{{#if changes.length}}
<div ${SECTION_TITLE}>Changed since the last ready revision</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border:1px solid #e1dfdd;font-size:13px;${FONT};">
<tr style="background:#f3f2f1;"><td style="padding:4px 8px;font-weight:bold;">What</td><td style="padding:4px 8px;font-weight:bold;">Before</td><td style="padding:4px 8px;font-weight:bold;">Now</td></tr>
{{#each changes}}<tr><td style="padding:4px 8px;border-top:1px solid #edebe9;vertical-align:top;">{{field}}</td><td style="padding:4px 8px;border-top:1px solid #edebe9;vertical-align:top;${MONO};overflow-wrap:anywhere;word-break:break-all;">{{before}}</td><td style="padding:4px 8px;border-top:1px solid #edebe9;vertical-align:top;${MONO};overflow-wrap:anywhere;word-break:break-all;">{{after}}</td></tr>{{/each}}
</table>
{{/if}}
{{#if evidence.length}}
<div ${SECTION_TITLE}>Evidence</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background:#faf9f8;border:1px solid #e1dfdd;">
{{#each evidence}}<tr><td style="padding:6px 10px;border-bottom:1px solid #edebe9;">
<div style="font-size:11px;color:#616161;${MONO};overflow-wrap:anywhere;word-break:break-all;">{{source}}</div>
<div style="font-size:13px;line-height:18px;${MONO};white-space:pre-wrap;word-break:break-all;color:#242424;">{{text}}</div>
</td></tr>{{/each}}
</table>
{{#if evidenceHidden}}<div style="font-size:12px;color:#616161;margin-top:4px;">{{evidenceHidden}} more evidence lines are in the archived evidence bundle.</div>{{/if}}
{{/if}}
{{#if remedy.length}}
<div ${SECTION_TITLE}>How to fix it</div>
<ol style="margin:0;padding-left:22px;">
{{#each remedy}}<li style="margin:2px 0;overflow-wrap:anywhere;">{{codeText this}}</li>{{/each}}
</ol>
{{/if}}
{{#if secondary.length}}
<div ${SECTION_TITLE}>Also found</div>
<ul style="margin:0;padding-left:22px;">
{{#each secondary}}<li style="margin:2px 0;"><span style="${MONO};font-size:13px;">{{codeLabel}}</span> ({{severity}}): {{title}}</li>{{/each}}
</ul>
{{/if}}
{{#if gaps.length}}
<div ${SECTION_TITLE}>What could not be checked</div>
<ul style="margin:0;padding-left:22px;color:#616161;">
{{#each gaps}}<li style="margin:2px 0;">{{this}}</li>{{/each}}
</ul>
{{/if}}
{{#if replay}}
<div ${SECTION_TITLE}>Evidence bundle</div>
<div style="color:#424242;margin-bottom:4px;">Download the archived bundle, then replay the diagnosis on it:</div>
<pre style="${COMMANDS_STYLE}">{{replay.download}}
{{replay.diagnose}}</pre>
{{/if}}
{{#if links.length}}
<div ${SECTION_TITLE}>Links</div>
<ul style="margin:0;padding-left:22px;">
{{#each links}}<li style="margin:2px 0;overflow-wrap:anywhere;word-break:break-all;"><a href="{{url}}" style="color:#0f6cbd;">{{label}}</a></li>{{/each}}
</ul>
{{/if}}
{{#if evidencePath}}<div style="margin-top:6px;font-size:12px;color:#616161;">Evidence bundle: <span style="${MONO};">{{evidencePath}}</span> (replay with <span style="${MONO};">amlmon diagnose</span>)</div>{{/if}}
`;

/** Several incidents of one sweep: a summary table first, then each incident's details. */
export const GROUP_BODY = `<div style="margin-bottom:8px;">{{count}} deployments need attention on cluster <b>{{cluster}}</b>.</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border:1px solid #e1dfdd;font-size:13px;${FONT};">
<tr style="background:#f3f2f1;"><td style="padding:6px 8px;font-weight:bold;">Service</td><td style="padding:6px 8px;font-weight:bold;">Status</td><td style="padding:6px 8px;font-weight:bold;">Root cause</td></tr>
{{#each incidents}}<tr><td style="padding:6px 8px;border-top:1px solid #edebe9;vertical-align:top;"><a href="#inc{{@index}}" style="color:#0f6cbd;">{{service}}</a><div style="color:#616161;font-size:12px;">{{workspace}}</div></td>
<td style="padding:6px 8px;border-top:1px solid #edebe9;vertical-align:top;color:{{statusColor}};font-weight:bold;">{{statusLine}}</td>
<td style="padding:6px 8px;border-top:1px solid #edebe9;vertical-align:top;">{{rootCause}}<div style="color:#616161;font-size:12px;${MONO};">{{codeLabel}}</div></td></tr>{{/each}}
</table>
{{#each incidents}}
<a id="inc{{@index}}" name="inc{{@index}}"></a>
<div style="margin:22px 0 4px 0;padding-top:10px;border-top:2px solid {{statusColor}};font-size:17px;font-weight:bold;">{{service}}</div>
{{> incident}}
{{#if actionsHtml}}
{{{actionsHtml}}}
{{/if}}
{{/each}}
`;

/** A resolved notice: short, green, what it was, what changed, when, and how long it was down. */
export const RESOLVED_BODY = `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;font-size:14px;${FONT};">
{{#each resolvedFacts}}<tr><td style="width:130px;padding:2px 8px 2px 0;color:#616161;vertical-align:top;">{{label}}</td><td style="padding:2px 0;overflow-wrap:anywhere;{{style}}">{{value}}</td></tr>
{{/each}}</table>
`;
