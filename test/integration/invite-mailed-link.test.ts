// Security finding 11: with SMTP configured an invite can only be accepted through the link
// mailed to the invited address, so an owner cannot accept their own invite for someone else's
// address. The invite email is written to the catalog's email outbox in the invite's own
// transaction and sent by the email worker (real SMTP server on 127.0.0.1), surviving a restart.
import { randomBytes } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { lookupHash } from '../../src/crypto';
import { createSmtpMailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { cookiesOf, createTenant, csrfFrom, login, request, type Tenant } from '../helpers/accounts';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { freePort, type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

jest.setTimeout(120_000);

const MAIL_FROM = 'Boxoffice <tickets@boxoffice.test>';

const sendMail = async (app: TestApp) => {
  const mailer = createSmtpMailer(app.config.mail!);
  try {
    return await new EmailWorker(app.services.infra, mailer, { backoff: () => 0 }).runOnce();
  } finally {
    mailer.close();
  }
};
const joinPathIn = (mail: ParsedMail) => new URL(/(https?:\/\/\S+\/join\/[A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]!).pathname;
const toOf = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '');
const outboxRows = async (app: TestApp) => (await app.services.infra.catalog.execute('SELECT * FROM account_email_outbox ORDER BY id')).rows;

async function acceptAt(app: TestApp, joinPath: string, password: string) {
  const page = await request(app.baseUrl, joinPath);
  expect(page.status).toBe(200);
  return request(app.baseUrl, joinPath, { cookie: cookiesOf(page), form: { csrf_token: csrfFrom(page.text), password, password_confirm: password } });
}

describe('invites tied to a mailed link (SMTP configured)', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());
  beforeEach(() => sink.received.splice(0));

  describe('on one running app', () => {
    let app: TestApp;
    let owner: Tenant;
    beforeAll(async () => {
      app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM });
      owner = await createTenant(app, 'mailer-org');
    });
    afterAll(() => app.close());

    const inviteForm = (email: string) => request(app.baseUrl, '/admin/users/invite', { cookie: owner.cookie, form: { csrf_token: owner.csrfToken, email, role: 'manager' } });

    it('never shows the owner the link: it goes only into a sealed outbox row, sent by the worker', async () => {
      const res = await inviteForm('newbie@example.com');
      expect(res.status).toBe(201);
      expect(res.text).toContain('We emailed the invite link to newbie@example.com. Only that address can accept it');
      expect(res.text).not.toMatch(/\/join\/[A-Za-z0-9_-]{20,}/);
      const users = await request(app.baseUrl, '/admin/users', { cookie: owner.cookie });
      expect(users.text).not.toMatch(/\/join\/[A-Za-z0-9_-]{20,}/);
      expect(users.text).toContain('emailed');

      const [row, ...others] = await outboxRows(app);
      expect(others).toHaveLength(0);
      expect(row).toMatchObject({ kind: 'invite', sent_at: null, organiser_id: owner.organiser.id });
      expect(String(row!.body)).not.toContain('newbie@example.com');
      expect(String(row!.body)).not.toContain('/join/');
      const invite = (await app.services.infra.catalog.execute('SELECT delivery FROM invites WHERE organiser_id = ?', [owner.organiser.id])).rows;
      expect(invite.map((r) => r.delivery)).toEqual(['email']);
      expect(sink.received).toHaveLength(0); // nothing was sent inside the owner's request

      expect(await sendMail(app)).toBe(1);
      const [mail] = await sink.waitFor(1);
      expect(mail!.subject).toBe("You're invited to manage Organiser mailer-org on Boxoffice");
      expect(toOf(mail!)).toBe('newbie@example.com');
      expect(await sendMail(app)).toBe(0);
      const [sent] = await outboxRows(app);
      expect(sent!.sent_at).not.toBeNull();
      expect(sent!.body).toBe(''); // erased once the SMTP server took it

      // The mailed link is the way in.
      const ok = await acceptAt(app, joinPathIn(mail!), 'newbie password');
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/admin/login?joined=1');
      const member = await login(app, 'newbie@example.com', 'newbie password');
      expect((await request(app.baseUrl, '/admin', { cookie: member.cookie })).status).toBe(200);
    });

    it('gives the owner no way to a usable code: the link-invite call is refused', async () => {
      const principal = (await app.services.accounts.sessions.resolveSession(owner.secret))!;
      await expect(app.services.accounts.invites.create(principal, { email: 'squat@example.com', role: 'owner' })).rejects.toMatchObject({ code: 'conflict' });
      const made = await app.services.accounts.invites.invite(principal, { email: 'squat@example.com', role: 'owner' });
      expect(made).toEqual({ delivery: 'email', expiresAt: expect.any(Number) });
      expect(made).not.toHaveProperty('code');
    });

    it('a new invite for the same address replaces the old one and its unsent email; a cancel drops it', async () => {
      await sendMail(app); // whatever earlier tests left
      sink.received.splice(0);
      expect((await inviteForm('twice@example.com')).status).toBe(201);
      expect((await inviteForm('twice@example.com')).status).toBe(201);
      expect((await inviteForm('cancelled@example.com')).status).toBe(201);
      const pending = await app.services.accounts.invites.listPending((await app.services.accounts.sessions.resolveSession(owner.secret))!);
      const cancelled = pending.find((i) => i.email === 'cancelled@example.com')!;
      expect((await request(app.baseUrl, `/admin/users/invites/${cancelled.id}/cancel`, { cookie: owner.cookie, form: { csrf_token: owner.csrfToken } })).status).toBe(303);

      expect(await sendMail(app)).toBe(1);
      const [mail] = await sink.waitFor(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(sink.received.map(toOf)).toEqual(['twice@example.com']);
      expect((await request(app.baseUrl, joinPathIn(mail!))).status).toBe(200);
    });
  });

  it('survives a restart between the invite and the send, and SMTP being down for a while', async () => {
    const { dir, cleanup } = makeTempDir();
    const downPort = await freePort();
    const env = { MAIL_FROM, ROOT_KEY: randomBytes(32).toString('base64') };
    try {
      const first = await startTestApp({ ...env, SMTP_URL: `smtp://mailer:secret@127.0.0.1:${downPort}` }, { dataDir: dir });
      const owner = await createTenant(first, 'restart-org');
      expect((await request(first.baseUrl, '/admin/users/invite', { cookie: owner.cookie, form: { csrf_token: owner.csrfToken, email: 'later@example.com', role: 'manager' } })).status).toBe(201);
      // The SMTP server is down: the attempt fails, the row stays pending with its body.
      expect(await sendMail(first)).toBe(1);
      const [failed] = await outboxRows(first);
      expect(failed).toMatchObject({ sent_at: null, attempts: 1 });
      expect(String(failed!.last_error)).toMatch(/^smtp /);
      expect(String(failed!.last_error)).not.toContain('later@example.com');
      await first.close(); // the process goes away with the email unsent

      const second = await startTestApp({ ...env, SMTP_URL: sink.url }, { dataDir: dir });
      try {
        expect(await sendMail(second)).toBe(1);
        const [mail] = await sink.waitFor(1);
        expect(toOf(mail!)).toBe('later@example.com');
        expect((await acceptAt(second, joinPathIn(mail!), 'later password')).status).toBe(303);
      } finally {
        await second.close();
      }
    } finally {
      cleanup();
    }
  });

  it('refuses a link invite an owner was shown before SMTP was configured (410), and keeps links without SMTP', async () => {
    const { dir, cleanup } = makeTempDir();
    const env = { ROOT_KEY: randomBytes(32).toString('base64') };
    try {
      const noMail = await startTestApp(env, { dataDir: dir });
      const owner = await createTenant(noMail, 'before-org');
      const res = await request(noMail.baseUrl, '/admin/users/invite', { cookie: owner.cookie, form: { csrf_token: owner.csrfToken, email: 'victim@example.com', role: 'manager' } });
      expect(res.status).toBe(201);
      // Without SMTP: today's behaviour, the link is shown once to the owner.
      const joinPath = new URL(/(http:\/\/[^<"]+\/join\/[A-Za-z0-9_-]+)/.exec(res.text)![1]!).pathname;
      expect((await request(noMail.baseUrl, joinPath)).status).toBe(200);
      await noMail.close();

      const withMail = await startTestApp({ ...env, SMTP_URL: sink.url, MAIL_FROM }, { dataDir: dir });
      try {
        const page = await request(withMail.baseUrl, joinPath);
        expect(page.status).toBe(410);
        expect(page.text).toContain('Ask the owner to invite you again');
        await expect(withMail.services.accounts.invites.accept(joinPath.split('/').pop()!, 'squatter password')).rejects.toMatchObject({ code: 'gone' });
        const row = await withMail.services.infra.catalog.execute({ sql: 'SELECT used_at FROM invites WHERE code_hash = ?', args: [lookupHash(joinPath.split('/').pop()!)] });
        expect(row.rows[0]!.used_at).toBeNull();
      } finally {
        await withMail.close();
      }
    } finally {
      cleanup();
    }
  });
});
