/** The built-in guide and FAQ: plain text, no data. */
export function GuidePage() {
  const faq: Array<[string, string]> = [
    ['How do people book?', 'Share an event’s booking link, or embed it on your site with the snippet on the event page. Several events can be booked together with a link such as /ticket/first-event+second-event (the dashboard builds one).'],
    ['How do I add someone at the door?', 'Open the event, choose “Add attendee”. Capacity is checked, nothing is charged and no webhook is sent.'],
    ['How does check-in work?', 'Each ticket carries a QR code. Open the event’s door scanner on a phone, start the camera and scan: the colour tells you at once whether to let them in. You can also check people in from the attendee list.'],
    ['Can I move someone to another event?', 'Yes: edit the attendee and choose the other event. The places are checked there and freed here; they get a new ticket link.'],
    ['What happens when I delete an attendee?', 'Their places become free again and their ticket stops working. The activity log keeps a record of who did it.'],
    ['I forgot my password. Can you reset it?', 'No. Attendee details are encrypted with a key that only your password unlocks, so nobody, not even the platform, can reset it without losing that data. An owner can invite you again to restore access. Every organisation should have a second owner.'],
    ['Who can see attendee details?', 'Only members of your organisation, after logging in. The database stores them encrypted.'],
    ['Where do I change currency, time zone or terms?', 'Owners find them under Settings. Each section saves on its own.'],
  ];
  return (
    <section class="card">
      <h1>Guide</h1>
      <p>Boxoffice sells tickets for your events, keeps attendee details encrypted, and checks tickets at the door.</p>
      <h2>Frequently asked questions</h2>
      <dl class="faq">
        {faq.map(([q, a]) => (
          <>
            <dt>
              <strong>{q}</strong>
            </dt>
            <dd>{a}</dd>
          </>
        ))}
      </dl>
    </section>
  );
}
