/** Widths of the capacity bar (the CSP forbids inline styles): .w0 … .w100 in 5 % steps. */
const METER_WIDTHS = Array.from({ length: 21 }, (_, i) => `.meter>span.w${i * 5}{width:${i * 5}%}`).join('');

/** Organiser event pages: forms, stats, event list, attendee table, check-in. Appended to APP_CSS. */
export const ADMIN_EVENTS_CSS = `
${METER_WIDTHS}
.meter.warn>span{background:var(--warn)}.meter.full>span{background:var(--bad)}
.badge.warn{background:#fffaeb;color:var(--warn)}
.capacity{min-width:12rem}.capacity-label{display:flex;justify-content:space-between;gap:.5rem;margin:0 0 .25rem}
.page-head{display:flex;justify-content:space-between;align-items:flex-start;gap:.8rem;flex-wrap:wrap;margin:0 0 .6rem}.page-head h1,.page-head h2{margin:0}
.button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
fieldset{border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem .2rem;margin:0 0 1rem;min-width:0}legend{font-weight:700;padding:0 .35rem}
.form-grid{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr))}
.field .hint{font-size:.85rem;color:var(--muted)}.field .label{font-weight:600;font-size:.95rem}.field .error{margin:0}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--bad)}
.checks{display:flex;flex-wrap:wrap;gap:.35rem 1.1rem}.checks .check{align-items:center;min-height:2rem}
.event-list{list-style:none;margin:0;padding:0}
.event-item{display:flex;justify-content:space-between;gap:1rem 1.5rem;padding:.9rem 0;border-bottom:1px solid var(--line);flex-wrap:wrap}
.event-item:last-child{border-bottom:none}.event-main{flex:1 1 16rem;min-width:0}.event-side{flex:0 1 16rem;display:flex;flex-direction:column;gap:.4rem}
.event-name{font-weight:700;font-size:1.05rem;text-decoration:none}.event-badges{display:flex;gap:.35rem;margin-top:.3rem}
.stats{display:grid;grid-template-columns:repeat(3,1fr);gap:.6rem;margin:.4rem 0 .8rem}
.stat{display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:.6rem .8rem}
.stat-value{font-size:1.6rem;font-weight:700;line-height:1.2}.stat-label{font-size:.85rem;color:var(--muted)}
.share{margin-top:1rem}.share summary{cursor:pointer;font-weight:600;color:var(--brand)}
textarea.snippet{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;background:#f2f4f7;margin:.2rem 0 .7rem;resize:vertical}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:center;margin:0 0 .6rem}.filters p{margin:0}
.chips{display:flex;gap:.35rem;flex-wrap:wrap}.chip{padding:.3rem .75rem;border:1px solid var(--line);border-radius:999px;text-decoration:none;font-size:.875rem;color:var(--ink);background:#fff}
.chip.on{background:var(--brand);border-color:var(--brand);color:#fff}
.filter-form{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap;margin:0}.filter-form input{width:auto;padding:.35rem .5rem}
.row-actions{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}
button.toggle.on{background:var(--ok);border-color:var(--ok)}
tr.refunded td{color:var(--muted)}
.danger-zone h2{font-size:1rem}
.typed-name{user-select:all}
.notice.big,button.big{font-size:1.15rem}button.big{width:100%;padding:.9rem}
@media (max-width:600px){
.stats{grid-template-columns:1fr 1fr 1fr;gap:.4rem}.stat{padding:.5rem}.stat-value{font-size:1.25rem}.stat-label{font-size:.75rem}
.event-side{flex-basis:100%}
table.stack.attendees tr{display:grid;grid-template-columns:minmax(0,1fr) auto;column-gap:.75rem;row-gap:.1rem;align-items:center;padding:.6rem 0}
table.stack.attendees td{padding:0;min-width:0;overflow-wrap:anywhere}
table.stack.attendees td::before{content:none}
table.stack.attendees td[data-label=Qty]{grid-column:2;grid-row:1;text-align:right;font-weight:600}
table.stack.attendees td[data-label=Qty]::before{content:"× ";color:var(--muted);font-weight:400}
table.stack.attendees td[data-label=Date]::before{content:"For ";color:var(--muted)}
table.stack.attendees td[data-label=Booked]{color:var(--muted)}table.stack.attendees td[data-label=Booked]::before{content:"Booked "}
table.stack.attendees td.row-actions{grid-column:2;grid-row:2/span 3;justify-self:end;align-self:end}
fieldset{padding:.7rem .75rem .1rem}
}
`;
