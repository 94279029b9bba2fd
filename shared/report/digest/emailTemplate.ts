/** Handlebars body of the digest email (wrapped in the common layout). Same mail-client rules as alerts. */
const FONT = "font-family:'Segoe UI',Helvetica,Arial,sans-serif";
const TH = 'style="padding:6px 8px;font-weight:bold;text-align:left;background:#f3f2f1;"';
const TD = 'style="padding:6px 8px;border-top:1px solid #edebe9;"';
const TDN = 'style="padding:6px 8px;border-top:1px solid #edebe9;text-align:right;"';
const SECTION = `style="margin:18px 0 6px 0;font-size:15px;font-weight:bold;${FONT};"`;

export const DIGEST_BODY = `<div style="padding:8px 10px;border-left:4px solid {{#if stale}}#c4314b{{else}}#237b4b{{/if}};background:{{#if stale}}#fdf3f4{{else}}#f1faf4{{/if}};">
{{#if stale}}<b style="color:#c4314b;">Warning: the monitor looks stale.</b> {{/if}}{{alive}}{{#if unreachable}} <b>Unreachable:</b> {{unreachable}}.{{/if}}
</div>
<div style="margin-top:8px;color:#616161;font-size:12px;">Window: {{window}}</div>
{{#if quiet}}
<div style="margin:16px 0;font-size:16px;">All quiet: no deployments were started and no incidents were open in the last 24 hours.</div>
{{else}}
<div ${SECTION}>Deployments and incidents</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;border:1px solid #e1dfdd;font-size:13px;${FONT};">
<tr><td ${TH}>Workspace</td><td ${TH}>Attempted</td><td ${TH}>Succeeded</td><td ${TH}>Failed</td><td ${TH}>Hung</td><td ${TH}>Incidents opened</td><td ${TH}>Resolved</td><td ${TH}>Time to healthy (median / p90)</td></tr>
{{#each workspaces}}<tr><td ${TD}>{{workspace}}</td><td ${TDN}>{{attempted}}</td><td ${TDN}>{{succeeded}}</td><td ${TDN}>{{failed}}</td><td ${TDN}>{{hung}}</td><td ${TDN}>{{opened}}</td><td ${TDN}>{{resolved}}</td><td ${TD}>{{medianTth}} / {{p90Tth}}</td></tr>{{/each}}
<tr style="font-weight:bold;"><td ${TD}>{{overall.workspace}}</td><td ${TDN}>{{overall.attempted}}</td><td ${TDN}>{{overall.succeeded}}</td><td ${TDN}>{{overall.failed}}</td><td ${TDN}>{{overall.hung}}</td><td ${TDN}>{{overall.opened}}</td><td ${TDN}>{{overall.resolved}}</td><td ${TD}>{{overall.medianTth}} / {{overall.p90Tth}}</td></tr>
</table>
{{#if unassigned}}<div style="margin-top:4px;color:#616161;font-size:12px;">{{unassigned}}</div>{{/if}}
{{#if byCode.length}}
<div ${SECTION}>Incidents opened, by code</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="font-size:13px;${FONT};">
{{#each byCode}}<tr><td style="padding:2px 12px 2px 0;font-family:Consolas,'Courier New',monospace;">{{label}}</td><td style="padding:2px 0;text-align:right;">{{count}}</td></tr>{{/each}}
</table>
{{/if}}
{{#if longestOpen.length}}
<div ${SECTION}>Longest-running open incidents</div>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="width:100%;border:1px solid #e1dfdd;font-size:13px;${FONT};">
<tr><td ${TH}>Service</td><td ${TH}>Workspace</td><td ${TH}>Code</td><td ${TH}>Open for</td></tr>
{{#each longestOpen}}<tr><td ${TD}>{{#if url}}<a href="{{url}}" style="color:#0f6cbd;">{{service}}</a>{{else}}{{service}}{{/if}}</td><td ${TD}>{{workspace}}</td><td ${TD}>{{label}}</td><td ${TD}>{{openFor}} <span style="color:#616161;">(since {{since}})</span></td></tr>{{/each}}
</table>
{{/if}}
{{#if repeated.length}}
<div ${SECTION}>Services failing repeatedly</div>
<ul style="margin:0;padding-left:22px;">
{{#each repeated}}<li><b>{{service}}</b>{{#if workspace}} ({{workspace}}){{/if}}: {{count}} incidents ({{codes}})</li>{{/each}}
</ul>
{{/if}}
{{/if}}
{{#if chart}}
<div ${SECTION}>The week</div>
<img src="cid:{{chart.cid}}" width="640" alt="{{chart.alt}}" style="display:block;width:640px;max-width:100%;height:auto;border:1px solid #e1dfdd;">
{{/if}}
`;
