// admin:create, organiser:create and token:create as CONTRACT.md specifies them, run
// against the same catalog an app serves; their tokens then work over HTTP.
import type { CommandContext, Flags } from '../../ops/command';
import { UsageError } from '../../ops/command';
import { adminCreateCommand } from '../../ops/commands/admin-create';
import { organiserCreateCommand } from '../../ops/commands/organiser-create';
import { tokenCreateCommand } from '../../ops/commands/token-create';
import { AppError } from '../../src/errors';
import { request } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

describe('ops account commands', () => {
  let app: TestApp;
  let ctx: CommandContext;
  const said: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    ctx = {
      config: app.config,
      logger: app.services.infra.logger,
      json: true,
      infra: async () => app.services.infra,
      say: (line) => said.push(line),
    };
  });
  afterAll(async () => {
    await app.close();
  });

  const run = (cmd: { run(ctx: CommandContext, flags: Flags): Promise<unknown> }, flags: Flags) => cmd.run(ctx, flags);

  it('admin:create prints {"id"} and the admin gets a platform-only token', async () => {
    const admin = (await run(adminCreateCommand, { email: 'ops@example.com', password: 'platform admin pw' })) as { id: number };
    expect(admin).toEqual({ id: expect.any(Number) });
    const { token } = (await run(tokenCreateCommand, { email: 'ops@example.com', password: 'platform admin pw', label: 'ci' })) as { token: string };
    expect(token).toMatch(/^bo_[A-Za-z0-9_-]{43}$/);
    expect((await request(app.baseUrl, '/api/v1/platform/organisers', { token })).status).toBe(200);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(403);
  });

  it('organiser:create prints {"id","slug"}; token:create picks the only membership', async () => {
    const org = await run(organiserCreateCommand, { name: 'Acme', slug: 'acme', 'owner-email': 'owner@acme.example', 'owner-password': 'acme owner pw' });
    expect(org).toEqual({ id: expect.any(Number), slug: 'acme' });
    const { token } = (await run(tokenCreateCommand, { email: 'owner@acme.example', password: 'acme owner pw' })) as { token: string };
    const res = await request(app.baseUrl, '/api/v1/admin/settings', { token });
    expect(res.status).toBe(200);
    // The token is stored only as a hash.
    const rows = await app.services.infra.catalog.execute('SELECT token_hash FROM api_tokens');
    expect(rows.rows.map((r) => String(r.token_hash))).not.toContain(token);
  });

  it('token:create needs --organiser when the user belongs to several, and the right password', async () => {
    await run(organiserCreateCommand, { name: 'Second', slug: 'second', 'owner-email': 'owner@acme.example', 'owner-password': 'acme owner pw' });
    await expect(run(tokenCreateCommand, { email: 'owner@acme.example', password: 'acme owner pw' })).rejects.toThrow(/--organiser/);
    const { token } = (await run(tokenCreateCommand, { email: 'owner@acme.example', password: 'acme owner pw', organiser: 'second' })) as { token: string };
    const principal = await app.services.accounts.tokens.resolveBearer(token);
    expect(principal?.organiser?.role).toBe('owner');
    await expect(run(tokenCreateCommand, { email: 'owner@acme.example', password: 'wrong password' })).rejects.toThrow(AppError);
  });

  it('organiser:create refuses an existing owner email with the wrong password, and bad input as a usage error', async () => {
    await expect(
      run(organiserCreateCommand, { name: 'Third', slug: 'third', 'owner-email': 'owner@acme.example', 'owner-password': 'not the password' }),
    ).rejects.toThrow(AppError);
    const bad = run(organiserCreateCommand, { name: 'Bad', slug: 'Bad Slug!', 'owner-email': 'nope', 'owner-password': 'short' });
    await expect(bad).rejects.toThrow(UsageError);
    await expect(bad).rejects.toThrow(/--slug/);
    await expect(bad).rejects.not.toThrow(/short/);
  });
});
