/** Admin site additions: skip link, current page, error summary, the door scanner, charts, calendar. Appended to APP_CSS. */
export const ADMIN_TOOLS_CSS = `
.notice.warn{background:#fffaeb;border-color:#fedf89}
.skip-link{position:absolute;left:-999px;top:.5rem;background:var(--card);padding:.5rem .8rem;border:2px solid var(--brand);border-radius:8px;z-index:10}
.skip-link:focus{left:.5rem}
.topbar nav a[aria-current=page]{color:var(--ink);font-weight:700;text-decoration:underline;text-underline-offset:.3em}
.error-summary:focus{outline:3px solid var(--bad);outline-offset:2px}.error-summary a{color:var(--bad);font-weight:600}
.accent-inputs{display:flex;gap:.5rem;align-items:center}.accent-inputs input[type=color]{width:3rem;height:2.5rem;padding:.15rem;flex:0 0 auto}.accent-inputs input[type=text]{flex:1 1 8rem;min-width:0;max-width:12rem;font-family:ui-monospace,monospace}
.pager{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;margin:.6rem 0}
.search-form{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin:0 0 .6rem}.search-form input,.search-form select{width:auto;flex:1 1 10rem}
.scan-result{border-radius:14px;padding:1.4rem;margin:1rem 0;font-size:1.3rem;font-weight:700;color:#fff;text-align:center}
.scan-result .detail{display:block;font-size:1rem;font-weight:400;margin-top:.3rem}
.scan-result.checked_in{background:var(--ok)}.scan-result.already_checked_in{background:var(--warn)}
.scan-result.refunded,.scan-result.not_found,.scan-result.wrong_date{background:var(--bad)}.scan-result.wrong_event{background:#7a2e9a}
.scan-result.idle{background:var(--muted)}
#scanner-video{width:100%;max-height:60vh;background:#000;border-radius:12px}
.chart svg{width:100%;height:auto}.chart .bar{fill:var(--brand)}.chart .axis{stroke:var(--line)}.chart text{font-size:10px;fill:var(--muted)}
table.calendar{width:100%;border-collapse:collapse;table-layout:fixed}table.calendar td,table.calendar th{border:1px solid var(--line);vertical-align:top;padding:.3rem;font-size:.8rem}
table.calendar td{height:5.5rem}table.calendar .day-num{font-weight:700}table.calendar ul{list-style:none;margin:.2rem 0 0;padding:0}
@media (max-width:600px){table.stack.attendees td.row-actions{grid-column:1/-1;grid-row:auto;justify-self:stretch;align-self:start;margin-top:.35rem}
table.calendar td{height:auto}table.calendar th,table.calendar td{padding:.15rem;font-size:.7rem}}
`;
