import type { Infra } from '../infra/infra';
import { AdminService } from './admin-service';
import { InviteService } from './invite-service';
import { LoginThrottle } from './login-throttle';
import { MemberService } from './member-service';
import { OrganiserService } from './organiser-service';
import { OrganiserSettingsService, type SquareConnector, type StripeConnector } from './organiser-settings';
import { PasswordService } from './password-service';
import { SessionService } from './session-service';
import { SessionStore } from './session-store';
import { SetupToken } from './setup-token';
import { TokenService } from './token-service';
import { UserStore } from './user-store';

export type { OrganiserRole, Principal } from './principal';
export { unlockOrganiserPrivateKey } from './organiser-private-key';
export { openStripeSecretKey } from './organiser-settings';

/** Accounts, keys and tenancy: everything the HTTP layer and the ops CLI call. */
export interface AccountServices {
  users: UserStore;
  admins: AdminService;
  organisers: OrganiserService;
  sessions: SessionService;
  tokens: TokenService;
  invites: InviteService;
  members: MemberService;
  passwords: PasswordService;
  settings: OrganiserSettingsService;
  throttle: LoginThrottle;
  close(): void;
}

export function createAccounts(infra: Pick<Infra, 'catalog' | 'keyring' | 'logger' | 'organisers' | 'config' | 'webhookSecrets'>, opts: { stripe?: StripeConnector; square?: SquareConnector } = {}): AccountServices {
  const { catalog: db, keyring, logger } = infra;
  const users = new UserStore(db);
  const throttle = new LoginThrottle(db, keyring);
  const sessions = new SessionService({ users, store: new SessionStore(db), throttle, keyring, logger });
  const tokens = new TokenService({ db, users, organisers: infra.organisers, keyring, logger });
  const forget = (userId: number) => {
    sessions.invalidateUser(userId);
    tokens.invalidateUser(userId);
  };
  return {
    users,
    throttle,
    sessions,
    tokens,
    admins: new AdminService({ users, keyring, logger, onPromoted: forget, onRemoved: forget, setupToken: new SetupToken(infra.config.dataDir) }),
    organisers: new OrganiserService({ users, organisers: infra.organisers, keyring, logger }),
    invites: new InviteService({ db, users, organisers: infra.organisers, throttle, keyring, logger, mailedLinks: infra.config.mail ? { publicUrl: infra.config.publicUrl } : null }),
    members: new MemberService({
      users,
      keyring,
      logger,
      onRemoved: forget,
    }),
    passwords: new PasswordService({ users, sessions, tokens, throttle, logger }),
    settings: new OrganiserSettingsService({
      organisers: infra.organisers,
      keyring,
      allowPrivateWebhooks: infra.config.webhookAllowPrivate,
      onWebhookUrlSaved: (organiserId, url) => infra.webhookSecrets.enable(organiserId, url),
      ...(opts.stripe ? { stripe: opts.stripe } : {}),
      ...(opts.square ? { square: opts.square } : {}),
    }),
    close() {
      sessions.close();
      tokens.close();
    },
  };
}
