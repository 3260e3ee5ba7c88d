import { ADMIN_EVENTS_CSS } from './admin/admin-styles';
import { ADMIN_TOOLS_CSS } from './admin/admin-tools-styles';

/** The one stylesheet, served from /assets/app.css (CSP allows only same-origin styles). */
export const APP_CSS = `
:root{--ink:#1d2330;--muted:#5d6678;--line:#dde2ea;--bg:#f5f7fb;--card:#fff;--brand:#3b4cca;--brand-ink:#fff;--ok:#16794c;--bad:#b42318;--warn:#9a6700;--radius:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;line-height:1.5}a{color:var(--brand)}
.topbar{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.75rem 1.25rem;background:var(--card);border-bottom:1px solid var(--line)}
.brand{font-weight:700;text-decoration:none;color:var(--ink);letter-spacing:.02em}
.topbar nav{display:flex;gap:.9rem;flex-wrap:wrap}.topbar nav a{text-decoration:none;color:var(--muted)}.topbar nav a:hover{color:var(--ink)}
.page{max-width:960px;margin:0 auto;padding:1.25rem}
body.embed .page{padding:.5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1.25rem 1.5rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.narrow{max-width:560px;margin-left:auto;margin-right:auto}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.2rem;margin:.2rem 0 .6rem}
.muted{color:var(--muted)}.small{font-size:.875rem}
form .field{display:flex;flex-direction:column;gap:.3rem;margin:0 0 .9rem}
label{font-weight:600;font-size:.95rem}
input,select,textarea{font:inherit;padding:.6rem .7rem;border:1px solid var(--line);border-radius:8px;background:#fff;width:100%}
input:focus,select:focus,textarea:focus{outline:2px solid var(--brand);outline-offset:1px}
input[type=checkbox]{width:auto}.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.65rem 1.1rem;border-radius:8px;border:1px solid var(--brand);background:var(--brand);color:var(--brand-ink);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}button.danger{background:var(--bad);border-color:var(--bad)}
.errors{color:var(--bad);padding-left:1.2rem}.error{color:var(--bad)}.notice{padding:.7rem 1rem;border-radius:8px;background:#eef4ff;border:1px solid #c7d7fe}
.notice.ok{background:#ecfdf3;border-color:#abefc6}.notice.bad{background:#fef3f2;border-color:#fecdca}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.8rem;background:#eef2f6;color:var(--muted)}
.badge.ok{background:#ecfdf3;color:var(--ok)}.badge.bad{background:#fef3f2;color:var(--bad)}
table{width:100%;border-collapse:collapse;font-size:.95rem}th,td{text-align:left;padding:.5rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.85rem;text-transform:uppercase;letter-spacing:.03em}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(240px,1fr))}
.event-row{display:flex;justify-content:space-between;gap:1rem;align-items:center;padding:.7rem 0;border-bottom:1px solid var(--line)}
.ticket{display:flex;gap:1.25rem;align-items:center;flex-wrap:wrap}.ticket .qr svg{width:180px;height:180px}
.actions{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center}.actions.spread{justify-content:space-between}
.meter{height:8px;background:#eef2f6;border-radius:99px;overflow:hidden}.meter>span{display:block;height:100%;background:var(--brand)}
@media (max-width:600px){.page{padding:.75rem}.card{padding:1rem}h1{font-size:1.35rem}.topbar{flex-wrap:wrap}}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}.inline{display:inline;margin:0}
/* The fleet console: action forms wrap, long names break, nothing widens the page on a phone. */
.fleet-form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:0}.fleet-form select{width:auto;flex:0 1 auto;min-width:0;padding:.35rem .5rem}.fleet-form input{width:auto;flex:1 1 5rem;min-width:4rem;padding:.35rem .5rem}.fleet button,.fleet a.button{white-space:nowrap}
@media (max-width:600px){.fleet code{overflow-wrap:anywhere}}.page:has(>.fleet){max-width:1280px}.fleet .shard-name{white-space:nowrap}.fleet label.check{display:flex;gap:.5rem;align-items:center;min-height:2.5rem;cursor:pointer}
.topbar nav{align-items:center}button.link{background:none;border:none;color:var(--muted);padding:0;font-weight:400}button.link:hover{color:var(--ink)}
button.small,.button.small{padding:.35rem .7rem;font-size:.875rem}button:disabled{opacity:.5;cursor:not-allowed}
.secret{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all;background:#f2f4f7;border:1px solid var(--line);padding:.7rem .8rem;border-radius:8px;user-select:all}
.context-bar{display:flex;justify-content:space-between;align-items:center;gap:.6rem;flex-wrap:wrap;margin:0 0 .8rem}
.org-switch{display:flex;gap:.4rem;align-items:center;margin:0}.org-switch select{width:auto;padding:.35rem .5rem}
.actions input{flex:1 1 14rem;width:auto}
@media (max-width:600px){table.stack thead{display:none}table.stack tr{display:block;padding:.5rem 0;border-bottom:1px solid var(--line)}table.stack td{display:block;border:none;padding:.1rem 0}}
@media (max-width:600px){table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85rem}}
/* Public booking pages, tickets and organiser mini-sites (phone first). */
.pre{white-space:pre-line}.booking .notice,.tickets .notice{margin:0 0 1rem}.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.booking{max-width:640px;margin:0 auto}.booking h1{margin-top:0}.event-head .when{margin:.1rem 0 .6rem;font-weight:600;color:var(--muted)}
.badge.warn{background:#fffaeb;color:var(--warn)}.badge.price{background:#eef4ff;color:var(--brand);font-weight:600}
.field-error{color:var(--bad);font-size:.875rem}[aria-invalid=true]{border-color:var(--bad)}
.row2{display:grid;grid-template-columns:1fr 1fr;gap:0 .9rem}.row2>.field:only-child{grid-column:1/-1}
.choice{display:flex;justify-content:space-between;gap:1rem;align-items:flex-start;padding:.8rem 0;border-bottom:1px solid var(--line)}
.choice:last-of-type{border-bottom:none}.choice-info{flex:1;min-width:0}.choice-info p{margin:.3rem 0 0}.choice .field{margin:0}.choice select{width:5rem}
details.terms{border:1px solid var(--line);border-radius:8px;padding:.5rem .8rem;background:#fafbfc;margin:0 0 .5rem}details.terms summary{cursor:pointer;font-weight:600}
details.terms div{max-height:14rem;overflow:auto;margin-top:.4rem}
button.block,.button.block{display:block;width:100%;text-align:center;margin:.4rem 0 .6rem;padding:.8rem 1.1rem;font-size:1.05rem}
.ticket-links{list-style:none;padding:0;margin:1rem 0}.ticket-links li{display:flex;justify-content:space-between;align-items:center;gap:.8rem;padding:.6rem 0;border-bottom:1px solid var(--line)}
.tickets{max-width:720px;margin:0 auto}.ticket-card{display:flex;flex-wrap:wrap;gap:1.25rem;align-items:center;justify-content:space-between}
.ticket-info{flex:1 1 260px;min-width:0}.ticket-card.refunded{opacity:.75}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .9rem;margin:.6rem 0}.facts dt{color:var(--muted)}.facts dd{margin:0;font-weight:600}
.qr{margin:0;text-align:center}.qr div{background:#fff;border:1px solid var(--line);border-radius:10px;padding:.5rem;display:inline-block}.qr svg{display:block;width:200px;height:200px}
.topbar nav a[aria-current=page]{color:var(--ink);font-weight:600}
.home{margin-top:1.5rem}.home h1{font-size:2rem;margin-bottom:.3rem}.home .lead{font-size:1.1rem;margin:0 0 1rem}
.home-features{list-style:none;padding:0;margin:0 0 1.2rem}.home-features li{display:flex;flex-direction:column;gap:.15rem;padding:.7rem 0;border-bottom:1px solid var(--line)}.home-features li:last-child{border-bottom:none}
@media (max-width:600px){.home{margin-top:.5rem}.home h1{font-size:1.6rem}}
@media (max-width:600px){.row2{grid-template-columns:1fr}.ticket-card{flex-direction:column;align-items:stretch;gap:.5rem}.ticket-info{flex:none}.qr svg{width:min(72vw,260px);height:min(72vw,260px);margin:0 auto}.qr div{display:block}}
[hidden]{display:none!important}
/* Daily events: a month calendar of radio buttons (works without JavaScript). */
fieldset.date-calendar{border:0;padding:0;margin:0 0 .9rem;min-width:0}fieldset.date-calendar legend{font-weight:600;font-size:.95rem;padding:0;margin-bottom:.3rem}
table.calendar{table-layout:fixed;margin:0 0 .8rem;font-size:.9rem}table.calendar caption{text-align:left;font-weight:600;padding:.2rem 0 .4rem}
table.calendar th{text-align:center;padding:.2rem 0;font-size:.75rem}table.calendar td{text-align:center;padding:2px;border:none;vertical-align:middle}
.day small{display:block;font-size:.68rem;line-height:1.1}.day.off{color:#b4bac6}.day.full{color:var(--bad)}.day.full span[aria-hidden]{text-decoration:line-through}
.day.open label{display:block;border:1px solid var(--line);border-radius:8px;padding:.25rem 0;cursor:pointer;font-weight:600;background:#fff}
.day.open label:hover{border-color:var(--brand)}.day.open small{font-weight:400;color:var(--muted)}
.day.open input{position:absolute;opacity:0;width:1px;height:1px}.day.open label:has(input:checked){background:var(--brand);border-color:var(--brand);color:var(--brand-ink)}
.day.open label:has(input:checked) small{color:var(--brand-ink)}.day.open label:has(input:focus-visible){outline:2px solid var(--brand);outline-offset:1px}
/* Confirmation, ticket and event images. */
.block{display:block}.code,.short-code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.06em}.short-code{font-size:1.05rem;font-weight:700;color:var(--ink)}
.tickets-heading{max-width:720px;margin:.2rem auto .2rem}.tickets-heading+p{max-width:720px;margin:0 auto 1rem}.organiser-contact{max-width:720px;margin:1rem auto}
.calendar-links{margin:.4rem 0 0}.ticket-card .event-image{flex:1 1 100%}
.event-image{display:block;width:100%;height:auto;max-height:320px;object-fit:cover;border-radius:8px;margin:0 0 .8rem;background:#eef2f6}
.image-upload{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.4rem 0}.image-upload input[type=file]{min-width:0;max-width:100%;flex:1 1 12rem;padding:.4rem}
.event-thumb{width:96px;height:64px;object-fit:cover;border-radius:6px;flex:none}
.event-links{list-style:none;padding:0;margin:0}.event-links li{display:flex;gap:.8rem;align-items:flex-start;padding:.7rem 0;border-bottom:1px solid var(--line)}.event-links li:last-child{border-bottom:none}
.choice .event-thumb{width:72px;height:48px}
` + ADMIN_EVENTS_CSS + ADMIN_TOOLS_CSS;
