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

/** Facts table + root cause + evidence + fix + secondary + gaps + links of one incident. */
export const INCIDENT_DETAIL = `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;font-size:14px;${FONT};">
<tr><td style="width:130px;padding:2px 8px 2px 0;color:#616161;">Service</td><td style="padding:2px 0;font-weight:bold;">{{service}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Workspace</td><td style="padding:2px 0;">{{workspace}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Cluster</td><td style="padding:2px 0;">{{cluster}} <span style="color:#616161;">(namespace {{namespace}})</span></td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Status</td><td style="padding:2px 0;"><span style="color:{{statusColor}};font-weight:bold;">{{statusLine}}</span> <span style="color:#616161;">since {{openedAt}}</span></td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Code</td><td style="padding:2px 0;${MONO};font-size:13px;">{{codeLabel}}</td></tr>
</table>
<div ${SECTION_TITLE}>Root cause</div>
<div style="font-size:16px;line-height:22px;font-weight:bold;">{{rootCause}}</div>
{{#if explanation}}<div style="margin-top:4px;color:#424242;">{{explanation}}</div>{{/if}}
{{#if evidence.length}}
<div ${SECTION_TITLE}>Evidence</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background:#faf9f8;border:1px solid #e1dfdd;">
{{#each evidence}}<tr><td style="padding:6px 10px;border-bottom:1px solid #edebe9;">
<div style="font-size:11px;color:#616161;${MONO};">{{source}}</div>
<div style="font-size:13px;line-height:18px;${MONO};white-space:pre-wrap;word-break:break-all;color:#242424;">{{text}}</div>
</td></tr>{{/each}}
</table>
{{#if evidenceHidden}}<div style="font-size:12px;color:#616161;margin-top:4px;">{{evidenceHidden}} more evidence lines are in the archived evidence bundle.</div>{{/if}}
{{/if}}
{{#if remedy.length}}
<div ${SECTION_TITLE}>How to fix it</div>
<ol style="margin:0;padding-left:22px;">
{{#each remedy}}<li style="margin:2px 0;">{{this}}</li>{{/each}}
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
{{#if links.length}}
<div ${SECTION_TITLE}>Links</div>
<ul style="margin:0;padding-left:22px;">
{{#each links}}<li style="margin:2px 0;"><a href="{{url}}" style="color:#0f6cbd;">{{label}}</a></li>{{/each}}
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

/** A resolved notice: short, green, what it was and how long it lasted. */
export const RESOLVED_BODY = `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;font-size:14px;${FONT};">
<tr><td style="width:130px;padding:2px 8px 2px 0;color:#616161;">Service</td><td style="padding:2px 0;font-weight:bold;">{{service}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Workspace</td><td style="padding:2px 0;">{{workspace}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Cluster</td><td style="padding:2px 0;">{{cluster}} <span style="color:#616161;">(namespace {{namespace}})</span></td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Outcome</td><td style="padding:2px 0;color:#237b4b;font-weight:bold;">{{statusLine}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Opened</td><td style="padding:2px 0;">{{openedAt}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Resolved</td><td style="padding:2px 0;">{{resolvedAt}}</td></tr>
<tr><td style="padding:2px 8px 2px 0;color:#616161;">Was</td><td style="padding:2px 0;"><span style="${MONO};font-size:13px;">{{codeLabel}}</span>: {{rootCause}}</td></tr>
</table>
{{#if links.length}}<div style="margin-top:10px;">{{#each links}}<a href="{{url}}" style="color:#0f6cbd;margin-right:14px;">{{label}}</a> {{/each}}</div>{{/if}}
`;
